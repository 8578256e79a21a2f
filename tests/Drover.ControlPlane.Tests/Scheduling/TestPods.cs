using Drover.Api;

namespace Drover.ControlPlane.Scheduling.Tests;

internal static class TestPods
{
    public static Pod Pod(string ns, string name, string cpu = "100m", Dictionary<string, string>? nodeSelector = null,
        Dictionary<string, string>? labels = null, string? nodeName = null, List<ContainerPort>? ports = null, List<Toleration>? tolerations = null) => new()
        {
            ApiVersion = "v1",
            Kind = "Pod",
            Metadata = new ObjectMeta { Name = name, Namespace = ns, Labels = labels },
            Spec = new PodSpec
            {
                NodeName = nodeName,
                NodeSelector = nodeSelector,
                Tolerations = tolerations,
                Containers =
            [
                new Container
                {
                    Name = "app",
                    Image = "my-app:v1.0",
                    Ports = ports,
                    Resources = new ResourceRequirements
                    {
                        Requests = new Dictionary<string, Quantity>(StringComparer.Ordinal) { ["cpu"] = Quantity.Parse(cpu), ["memory"] = Quantity.Parse("64Mi") },
                    },
                },
            ],
            },
        };

    public static PodCondition? Condition(Pod? pod, string type) => pod?.Status?.Conditions?.FirstOrDefault(c => c.Type == type);
}
