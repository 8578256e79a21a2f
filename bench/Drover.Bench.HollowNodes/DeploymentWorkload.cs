using System.Diagnostics;
using System.Globalization;
using System.Text;
using Drover.Api;
using Drover.Api.Client;

namespace Drover.Bench.HollowNodes;

/// <summary>
/// The workload as a user creates it: <paramref name="deployments"/> Deployments of <paramref name="replicas"/> pods,
/// each container requesting 100m cpu and 64Mi memory so the scheduler really fits resources. Done when every
/// Deployment reports availableReplicas = replicas (polled: a LIST of a few Deployments every 100 ms).
/// </summary>
internal sealed class DeploymentWorkload(DroverClient admin, string ns, int deployments, int replicas)
{
    public int Pods => deployments * replicas;

    public string Describe => string.Create(CultureInfo.InvariantCulture, $"{deployments} Deployments × {replicas:N0} replicas (100m cpu, 64Mi each)");

    public static string Name(int i) => string.Create(CultureInfo.InvariantCulture, $"hollow-app-{i:00}");

    public Task CreateAsync() => Concurrently.RunAsync(deployments, deployments, i =>
        admin.CreateRawAsync(ResourceTypes.Deployments, ns, Encoding.UTF8.GetBytes(Manifest(Name(i))), "application/json"));

    /// <summary>Completes with the Stopwatch timestamp of the poll that first saw every Deployment fully available.</summary>
    public async Task<long> AllAvailableAsync(CancellationToken ct)
    {
        while (true)
        {
            var page = await admin.ListAsync(ResourceTypes.Deployments, ns, ct: ct).ConfigureAwait(false);
            var available = page.Items.OfType<Deployment>().Count(d => d.Status?.AvailableReplicas == replicas && d.Status.ObservedGeneration == d.Metadata.Generation);
            if (available == deployments)
                return Stopwatch.GetTimestamp();
            await Task.Delay(TimeSpan.FromMilliseconds(100), ct).ConfigureAwait(false);
        }
    }

    private string Manifest(string name) => $$"""
        {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"{{name}}","namespace":"{{ns}}"},
         "spec":{"replicas":{{replicas}},"selector":{"matchLabels":{"app":"{{name}}"} },
          "template":{"metadata":{"labels":{"app":"{{name}}"} },
           "spec":{"containers":[{"name":"app","image":"registry.example/hollow-app:1.0",
            "resources":{"requests":{"cpu":"100m","memory":"64Mi"} } }] } } } }
        """;
}
