using System.Security.Cryptography.X509Certificates;
using Drover.Api;
using Drover.Testing;

namespace Drover.Ingress.Testing;

using Ingress = Drover.Api.Ingress;

/// <summary>API objects as a user would write them, for the unit and the integration tests.</summary>
public static class Objects
{
    private static long _age;

    public static Service Service(string ns, string name, int port = 80, string? portName = null, int targetPort = 8080) => new()
    {
        ApiVersion = "v1",
        Kind = "Service",
        Metadata = new ObjectMeta { Name = name, Namespace = ns },
        Spec = new ServiceSpec { Ports = [new ServicePort { Name = portName, Port = port, TargetPort = targetPort, Protocol = "TCP" }] },
    };

    public static Endpoints Endpoints(string ns, string name, int port, IEnumerable<string> ready, IEnumerable<string>? notReady = null, string? portName = null) => new()
    {
        ApiVersion = "v1",
        Kind = "Endpoints",
        Metadata = new ObjectMeta { Name = name, Namespace = ns },
        Subsets =
        [
            new EndpointSubset
            {
                Addresses = ready.Select(ip => new EndpointAddress { Ip = ip }).ToList() is { Count: > 0 } r ? r : null,
                NotReadyAddresses = notReady?.Select(ip => new EndpointAddress { Ip = ip }).ToList() is { Count: > 0 } n ? n : null,
                Ports = [new EndpointPort { Name = portName, Port = port, Protocol = "TCP" }],
            },
        ],
    };

    public static HttpIngressPath Path(string path, string service, int port = 80, string pathType = "Prefix") => new()
    {
        Path = path,
        PathType = pathType,
        Backend = new IngressBackend { Service = new IngressServiceBackend { Name = service, Port = new ServiceBackendPort { Number = port } } },
    };

    public static Ingress Ingress(string ns, string name, string? host, params HttpIngressPath[] paths) => new()
    {
        ApiVersion = "networking.k8s.io/v1",
        Kind = "Ingress",
        Metadata = new ObjectMeta { Name = name, Namespace = ns, CreationTimestamp = DateTimeOffset.UnixEpoch.AddSeconds(Interlocked.Increment(ref _age)) },
        Spec = new IngressSpec { Rules = [new IngressRule { Host = host, Http = new HttpIngressRuleValue { Paths = [.. paths] } }] },
    };

    public static IngressClass DefaultClass(string name = "drover", bool isDefault = true) => new()
    {
        ApiVersion = "networking.k8s.io/v1",
        Kind = "IngressClass",
        Metadata = new ObjectMeta { Name = name, Annotations = isDefault ? new() { ["ingressclass.kubernetes.io/is-default-class"] = "true" } : null },
        Spec = new IngressClassSpec { Controller = "drover.io/ingress-controller" },
    };

    /// <summary>A stored-looking (uid, resourceVersion) kubernetes.io/tls Secret with a fresh self-signed certificate for <paramref name="hosts"/>.</summary>
    public static (Secret Secret, X509Certificate2 Certificate) TlsSecret(string ns, string name, params string[] hosts)
    {
        var (secret, certificate) = TlsSecrets.SelfSigned(ns, name, hosts);
        return (secret with { Metadata = secret.Metadata with { Uid = Guid.NewGuid().ToString(), ResourceVersion = "1" } }, certificate);
    }

    public static Dictionary<string, T> Keyed<T>(params T[] objects)
        where T : KubeObject =>
        objects.ToDictionary(o => o.Metadata.Namespace is { } ns ? ns + "/" + o.Metadata.Name : o.Metadata.Name!, StringComparer.Ordinal);
}
