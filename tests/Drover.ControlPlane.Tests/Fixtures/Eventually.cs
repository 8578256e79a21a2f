namespace Drover.ControlPlane.Tests.Fixtures;

/// <summary>Polls until a condition holds: controllers converge asynchronously, on a machine that may be busy.</summary>
internal static class Eventually
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    public static async Task<T> GetAsync<T>(Func<Task<T>> probe, Func<T, bool> done, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        T last;
        while (true)
        {
            last = await probe();
            if (done(last))
                return last;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"timed out waiting for {what}; last seen: {last}");
            await Task.Delay(100);
        }
    }
}
