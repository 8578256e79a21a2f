using Drover.Api;

namespace Drover.Cli.Pods.Tests;

/// <summary>Pods differing in one of the facts kubectl's pod orders compare, for LoggingOrderTests and AttachOrderTests.</summary>
internal static class PodOrderSamples
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    public static Pod Pod(string name, string? node = "n1", string phase = "Running", bool ready = true, int readyForSeconds = 60, int restarts = 0, int ageSeconds = 600) => new()
    {
        Metadata = new ObjectMeta { Name = name, CreationTimestamp = T0.AddSeconds(-ageSeconds) },
        Spec = new PodSpec { NodeName = node, Containers = [new Container { Name = "app", Image = "app:v1" }] },
        Status = new PodStatus
        {
            Phase = phase,
            Conditions = [new PodCondition { Type = "Ready", Status = ready ? "True" : "False", LastTransitionTime = T0.AddSeconds(-readyForSeconds) }],
            ContainerStatuses = [new ContainerStatus { Name = "app", RestartCount = restarts }],
        },
    };

    public static string FirstIn(IComparer<Pod> order, params Pod[] pods) => pods.Order(order).First().Metadata.Name!;
}
