using Drover.Api;

namespace Drover.Ingress.Config;

using Ingress = Drover.Api.Ingress;

/// <summary>
/// What the watches hold at one instant, keyed "namespace/name" (IngressClasses by name). A snapshot is
/// built from this and nothing else, so building is a pure function that tests call directly.
/// </summary>
public sealed record ClusterObjects(
    IReadOnlyCollection<Ingress> Ingresses,
    IReadOnlyDictionary<string, Service> Services,
    IReadOnlyDictionary<string, Endpoints> Endpoints,
    IReadOnlyDictionary<string, Secret> Secrets,
    IReadOnlyDictionary<string, IngressClass> IngressClasses)
{
    public static ClusterObjects Empty { get; } = new([], new Dictionary<string, Service>(), new Dictionary<string, Endpoints>(), new Dictionary<string, Secret>(), new Dictionary<string, IngressClass>());

    public static string Key(KubeObject obj) => ObjectKeys.Of(obj);
}
