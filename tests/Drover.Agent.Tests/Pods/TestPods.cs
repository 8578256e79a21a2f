using Drover.Api;
using Drover.Api.Client;

namespace Drover.Agent.Pods.Tests;

/// <summary>Pods the tests bind to node-5, and waiting for what the agent reports about them.</summary>
internal static class TestPods
{
    public static string NewName(string prefix) => $"{prefix}-{Guid.NewGuid().ToString("N")[..8]}";

    /// <summary>examples/seed-deployment.yaml's pod template as a bare pod, with a shorter readiness delay.</summary>
    public static Pod SeedTemplate(string name) => new()
    {
        ApiVersion = "v1",
        Kind = "Pod",
        Metadata = new ObjectMeta { Name = name, Namespace = "default", Labels = new() { ["app"] = "my-app" } },
        Spec = new PodSpec
        {
            NodeName = AgentNodeFixture.NodeName,
            Containers =
            [
                new Container
                {
                    Name = "app",
                    Image = "my-app:v1.0",
                    Resources = new ResourceRequirements
                    {
                        Requests = new() { ["memory"] = Quantity.Parse("128Mi"), ["cpu"] = Quantity.Parse("250m") },
                        Limits = new() { ["memory"] = Quantity.Parse("256Mi"), ["cpu"] = Quantity.Parse("500m") },
                    },
                    ReadinessProbe = new Probe
                    {
                        HttpGet = new HttpGetAction { Path = "/health", Port = 3000 },
                        InitialDelaySeconds = 1,
                        PeriodSeconds = 1,
                    },
                },
            ],
        },
    };

    public static Pod WithContainer(Pod pod, Func<Container, Container> change) =>
        pod with { Spec = pod.Spec with { Containers = [change(pod.Spec.Containers[0])] } };

    public static async Task<Pod> CreateAsync(DroverClient api, Pod pod) =>
        await api.CreateAsync(ResourceTypes.Pods, pod);

    public static async Task<Pod?> GetAsync(DroverClient api, string name) =>
        await api.TryGetAsync(ResourceTypes.Pods, "default", name);

    /// <summary>Polls the pod until <paramref name="condition"/> holds; fails with the last status seen.</summary>
    public static async Task<Pod> WaitForAsync(DroverClient api, string name, Func<Pod, bool> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        Pod? last = null;
        while (DateTime.UtcNow < deadline)
        {
            last = await GetAsync(api, name);
            if (last is not null && condition(last))
            {
                return last;
            }

            await Task.Delay(100);
        }

        var status = last is null ? "(gone)" : System.Text.Encoding.UTF8.GetString(ResourceTypes.Pods.SerializeToUtf8Bytes(last));
        throw new TimeoutException($"pod {name}: {what} not reached within {timeout}; last seen: {status}");
    }

    public static async Task WaitGoneAsync(DroverClient api, string name, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (await GetAsync(api, name) is null)
            {
                return;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"pod {name} still exists after {timeout}");
    }

    public static bool IsReady(Pod pod) =>
        pod.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true;

    public static ContainerStatus? App(Pod pod) => pod.Status?.ContainerStatuses?.FirstOrDefault();

    /// <summary>Deletes the pod and waits until the agent has finished it (best effort, for clean-up).</summary>
    public static async Task DeleteQuietlyAsync(DroverClient api, string name)
    {
        try
        {
            await api.DeleteAsync(ResourceTypes.Pods, "default", name, gracePeriodSeconds: 1);
            await WaitGoneAsync(api, name, TimeSpan.FromSeconds(20));
        }
        catch (Exception e) when (e is ApiClientException or TimeoutException)
        {
        }
    }
}
