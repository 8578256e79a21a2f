using Drover.Api;
using Drover.Api.Client;

namespace Drover.Testing;

/// <summary>
/// Waits for a condition on something read again and again (controllers converge asynchronously, on a machine
/// that may be busy), failing with the last value seen — an object as the API would show it.
/// </summary>
public static class Poll
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    public static async Task<T> UntilAsync<T>(Func<Task<T>> read, Func<T, bool> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        T last;
        while (true)
        {
            last = await read();
            if (condition(last))
                return last;
            if (DateTime.UtcNow > deadline)
                break;
            await Task.Delay(50);
        }
        var shown = last is KubeObject obj ? System.Text.Encoding.UTF8.GetString(ResourceTypes.FindByKind(obj.Kind ?? "")?.SerializeToUtf8Bytes(obj) ?? []) : last?.ToString();
        throw new Xunit.Sdk.XunitException($"timed out after {timeout.TotalSeconds} s waiting for {what}; last seen: {shown}");
    }

    /// <summary>As above, described first and with <see cref="DefaultTimeout"/> unless given.</summary>
    public static Task<T> UntilAsync<T>(Func<Task<T>> read, Func<T, bool> condition, string what, TimeSpan? timeout = null) =>
        UntilAsync(read, condition, timeout ?? DefaultTimeout, what);

    public static async Task<Pod?> PodAsync(DroverClient client, string ns, string name) =>
        await client.TryGetAsync(ResourceTypes.Pods, ns, name);
}
