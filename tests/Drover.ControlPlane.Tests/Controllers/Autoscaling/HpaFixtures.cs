using Drover.Api;
using Drover.ControlPlane.Controllers.Autoscaling;
using Drover.ControlPlane.ResourceMetrics;

namespace Drover.ControlPlane.Controllers.Autoscaling.Tests;

/// <summary>Pods, samples and HPAs for the pure autoscaling tests; time is fixed at <see cref="Now"/>.</summary>
internal static class HpaFixtures
{
    public static readonly DateTimeOffset Now = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(15);

    /// <summary>A running pod started 10 min ago, ready for 9 min: past the cpu initialisation period.</summary>
    public static Pod Pod(string name, string? cpuRequest = "1000m", string phase = "Running", string ready = "True",
        TimeSpan? startedAgo = null, TimeSpan? readySinceAgo = null, bool deleting = false) => new()
        {
            Metadata = new ObjectMeta { Name = name, Namespace = "ns", DeletionTimestamp = deleting ? Now : null },
            Spec = new PodSpec
            {
                Containers =
            [
                new Container
                {
                    Name = "app",
                    Image = "my-app:v1.0",
                    Resources = cpuRequest is null ? null : new ResourceRequirements
                    {
                        Requests = new() { ["cpu"] = Quantity.Parse(cpuRequest), ["memory"] = Quantity.Parse("64Mi") },
                    },
                },
            ],
            },
            Status = new PodStatus
            {
                Phase = phase,
                StartTime = Now - (startedAgo ?? TimeSpan.FromMinutes(10)),
                Conditions = [new PodCondition { Type = "Ready", Status = ready, LastTransitionTime = Now - (readySinceAgo ?? TimeSpan.FromMinutes(9)) }],
            },
        };

    public static IReadOnlyList<Pod> Pods(int count, string? cpuRequest = "1000m") =>
        [.. Enumerable.Range(1, count).Select(i => Pod($"p-{i}", cpuRequest))];

    /// <summary>Samples (millicores) for pods p-1, p-2, … in order; a null leaves that pod without a sample.</summary>
    public static Dictionary<string, PodUsage> Usage(params long?[] millicores)
    {
        var usage = new Dictionary<string, PodUsage>(StringComparer.Ordinal);
        for (var i = 0; i < millicores.Length; i++)
        {
            if (millicores[i] is { } value)
                usage[$"p-{i + 1}"] = new PodUsage(value, Now, Window);
        }
        return usage;
    }

    public static HorizontalPodAutoscaler Hpa(int min = 2, int max = 10, int cpuPercent = 70, HorizontalPodAutoscalerBehavior? behavior = null) => new()
    {
        ApiVersion = "autoscaling/v2",
        Kind = "HorizontalPodAutoscaler",
        Metadata = new ObjectMeta { Name = "my-app-hpa", Namespace = "ns" },
        Spec = new HorizontalPodAutoscalerSpec
        {
            ScaleTargetRef = new CrossVersionObjectReference { ApiVersion = "apps/v1", Kind = "Deployment", Name = "my-app" },
            MinReplicas = min,
            MaxReplicas = max,
            Metrics =
            [
                new MetricSpec
                {
                    Type = "Resource",
                    Resource = new ResourceMetricSource { Name = "cpu", Target = new MetricTarget { Type = "Utilization", AverageUtilization = cpuPercent } },
                },
            ],
            Behavior = behavior,
        },
    };
}
