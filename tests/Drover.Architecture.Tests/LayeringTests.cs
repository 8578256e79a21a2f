namespace Drover.Architecture.Tests;

/// <summary>
/// Each daemon's dependencies point one way (docs/ARCHITECTURE.md). The graph is read from the built assemblies,
/// so a new edge fails here whatever way the code reaches the forbidden namespace.
/// </summary>
public sealed class LayeringTests
{
    private const string Cp = "Drover.ControlPlane";

    /// <summary>
    /// droverd: HTTP (Api) → Registry → Storage → Drover.Store, as kube-apiserver's handlers → registry → storage.
    /// Authorization (Auth) is consulted by the HTTP layer and knows nothing of HTTP. Controllers, the scheduler and
    /// resource metrics work through the registry and the shared informers, never through Api or the store.
    /// </summary>
    private static readonly string[] ControlPlaneModules =
    [
        $"{Cp}.Api", $"{Cp}.Auth", $"{Cp}.Registry", $"{Cp}.Storage", $"{Cp}.Storage.Encryption", "Drover.Store", $"{Cp}.Informers", $"{Cp}.Events",
        $"{Cp}.Controllers", $"{Cp}.Scheduling", $"{Cp}.ResourceMetrics", $"{Cp}.Observability", $"{Cp}.Certificates",
        $"{Cp}.Leadership", $"{Cp}.Joining",
    ];

    private static readonly LayerRules ControlPlane = new LayerRules(Cp, ControlPlaneModules)
        // The composition root wires everything; the options and version it defines are read by all.
        .Allow(Cp, ControlPlaneModules)
        .Allow($"{Cp}.Api", Cp, $"{Cp}.Auth", $"{Cp}.Registry", $"{Cp}.Informers", $"{Cp}.Observability", $"{Cp}.ResourceMetrics", $"{Cp}.Certificates", $"{Cp}.Joining")
        // Joining: the files a new replica copies from a running one (k3s' server bootstrap); files and HTTPS only.
        .Allow($"{Cp}.Joining", Cp)
        // The node authorizer's graph reads the shared pod cache, as Kubernetes' is fed by informers.
        .Allow($"{Cp}.Auth", Cp, $"{Cp}.Registry", $"{Cp}.Informers")
        // The admin's secrets-encrypt endpoint (status, rotate) drives the storage transform itself, as k3s' does.
        .Allow($"{Cp}.Api", $"{Cp}.Storage.Encryption")
        .Allow($"{Cp}.Registry", Cp, $"{Cp}.Storage")
        .Allow($"{Cp}.Storage", Cp, "Drover.Store", $"{Cp}.Observability")
        // Secrets encrypted at rest: a transform between the storage layer and the key-value store (Kubernetes' value
        // transformers), which the object store above never sees.
        .Allow($"{Cp}.Storage.Encryption", $"{Cp}.Storage", "Drover.Store")
        // The shared informers are droverd's watch-fed caches (client-go's informers), fed by the registry.
        .Allow($"{Cp}.Informers", Cp, $"{Cp}.Registry")
        // The one event recorder (client-go's record package) every component reports through.
        .Allow($"{Cp}.Events", Cp, $"{Cp}.Registry")
        .Allow($"{Cp}.Controllers", Cp, $"{Cp}.Registry", $"{Cp}.Informers", $"{Cp}.Events", $"{Cp}.ResourceMetrics", $"{Cp}.Observability")
        .Allow($"{Cp}.Scheduling", Cp, $"{Cp}.Registry", $"{Cp}.Informers", $"{Cp}.Events", $"{Cp}.Observability")
        .Allow($"{Cp}.ResourceMetrics", Cp, $"{Cp}.Informers")
        .Allow($"{Cp}.Observability", Cp, $"{Cp}.Informers")
        // Leader election writes its Lease through the registry like any client; the fence it takes when elected is
        // the storage layer's (WriteFencing, whose token is Drover.Store's StoreFence), and the leader-only services it
        // starts are handed to it by the composition root, so it names no controller.
        .Allow($"{Cp}.Leadership", Cp, $"{Cp}.Registry", $"{Cp}.Storage", "Drover.Store")
        // The loop that renews droverd's certificates reports the CA's approaching end through the event recorder.
        .Allow($"{Cp}.Certificates", Cp, $"{Cp}.Events");

    [Fact]
    public void ControlPlane_DependenciesPointOneWay_NoForbiddenEdge()
    {
        var graph = NamespaceGraph.Of(typeof(Drover.ControlPlane.ServerOptions).Assembly.Location);
        var violations = ControlPlane.Violations(graph);
        Assert.True(violations.Count == 0, "forbidden dependencies:\n" + string.Join("\n", violations));
    }

    [Fact]
    public void ControlPlane_ForbiddenEdgeAdded_Reported()
    {
        // The rule table itself must be able to fail: the real graph read with Storage forbidden to use the store.
        var strict = new LayerRules(Cp, $"{Cp}.Storage", "Drover.Store");
        var graph = NamespaceGraph.Of(typeof(Drover.ControlPlane.ServerOptions).Assembly.Location);
        Assert.Contains(strict.Violations(graph), v => v.StartsWith($"{Cp}.Storage -> Drover.Store", StringComparison.Ordinal));
    }
}
