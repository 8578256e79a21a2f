using Drover.Api;
using Drover.Api.Client;

namespace Drover.ControlPlane.Tests.Fixtures;

/// <summary>Waits for a condition on an object read from droverd, failing with the last object seen.</summary>
internal static class Poll
{
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

    public static async Task<Pod?> PodAsync(DroverClient client, string ns, string name) =>
        await client.TryGetAsync(ResourceTypes.Pods, ns, name);
}
