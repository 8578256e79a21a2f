namespace Drover.Api;

/// <summary>Kubernetes SetDefaults_Service and SetDefaults_Endpoints.</summary>
internal static class ServiceDefaults
{
    /// <summary>Kubernetes' DefaultClientIPServiceAffinitySeconds: 3 hours.</summary>
    public const int DefaultClientIpAffinitySeconds = 10800;

    public static Service Apply(Service service)
    {
        var spec = service.Spec;
        if (spec is null)
            return service;
        var type = spec.Type ?? "ClusterIP";
        var affinity = spec.SessionAffinity ?? "None";
        return service with
        {
            Spec = spec with
            {
                Type = type,
                SessionAffinity = affinity,
                SessionAffinityConfig = affinity == "ClientIP" && spec.SessionAffinityConfig?.ClientIP?.TimeoutSeconds is null
                    ? new SessionAffinityConfig { ClientIP = new ClientIPConfig { TimeoutSeconds = DefaultClientIpAffinitySeconds } }
                    : spec.SessionAffinityConfig,
                // An ExternalName service is a DNS alias: no traffic of its own to apply a policy to.
                InternalTrafficPolicy = spec.InternalTrafficPolicy ?? (type is "ClusterIP" or "NodePort" or "LoadBalancer" ? "Cluster" : null),
                ExternalTrafficPolicy = spec.ExternalTrafficPolicy ?? (type is "NodePort" or "LoadBalancer" ? "Cluster" : null),
                Ports = PodDefaults.Map(spec.Ports, port => port with
                {
                    Protocol = port.Protocol ?? "TCP",
                    // The common case is a pod listening on the same port the service exposes.
                    TargetPort = port.TargetPort is null || IsZero(port.TargetPort.Value) ? new IntOrString(port.Port) : port.TargetPort,
                }),
            },
        };
    }

    public static Endpoints Apply(Endpoints endpoints) => endpoints with
    {
        Subsets = PodDefaults.Map(endpoints.Subsets, subset => subset with
        {
            Ports = PodDefaults.Map(subset.Ports, port => port with { Protocol = port.Protocol ?? "TCP" }),
        }),
    };

    /// <summary>Kubernetes SetDefaults_EndpointPort (discovery): TCP.</summary>
    public static EndpointSlice Apply(EndpointSlice slice) => slice with
    {
        Ports = PodDefaults.Map(slice.Ports, port => port with { Protocol = port.Protocol ?? "TCP" }),
    };

    private static bool IsZero(IntOrString value) => value.IsString ? value.StringValue.Length == 0 : value.IntValue == 0;
}
