namespace Drover.Api;

/// <summary>Kubernetes ValidateService and the clusterIP rule of ValidateServiceUpdate.</summary>
internal static class ServiceValidation
{
    private static readonly string[] Types = ["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"];
    private static readonly string[] Protocols = ["SCTP", "TCP", "UDP"];
    private static readonly string[] Affinities = ["ClientIP", "None"];
    private static readonly string[] TrafficPolicies = ["Cluster", "Local"];

    /// <summary>Kubernetes' MaxClientIPServiceAffinitySeconds: one day.</summary>
    public const int MaxAffinitySeconds = 86400;

    public static void Validate(Service service, ErrorList errors)
    {
        // Service names become DNS labels (<name>.<namespace>.svc) and environment variable prefixes, so they must start with a letter.
        MetadataValidation.Validate(service.Metadata, namespaced: true, NameRules.Dns1035Label, errors);
        var spec = service.Spec;
        if (spec is null)
        {
            errors.Required("spec");
            return;
        }
        var type = spec.Type;
        if (type is not null && Array.IndexOf(Types, type) < 0)
            errors.NotSupported("spec.type", type, Types);
        var externalName = type == "ExternalName";

        if (externalName)
        {
            // An ExternalName service is only a DNS CNAME; it has no virtual IP to hang ports or an IP on.
            if (string.IsNullOrEmpty(spec.ExternalName))
                errors.Required("spec.externalName");
            else if (NameRules.Dns1123Subdomain(spec.ExternalName.TrimEnd('.')) is { } problem)
                errors.Invalid("spec.externalName", spec.ExternalName, problem);
            if (!string.IsNullOrEmpty(spec.ClusterIP))
                errors.Forbidden("spec.clusterIP", "may not be set for ExternalName services");
        }
        else if (spec.Ports is null || spec.Ports.Count == 0)
        {
            errors.Required("spec.ports");
        }
        ValidatePorts(spec.Ports, type, errors);
        MetadataValidation.ValidateLabels(spec.Selector, "spec.selector", errors);
        if (spec.SessionAffinity is not null && Array.IndexOf(Affinities, spec.SessionAffinity) < 0)
            errors.NotSupported("spec.sessionAffinity", spec.SessionAffinity, Affinities);
        ValidateAffinityConfig(spec, errors);
        ValidateTrafficPolicies(spec, type, errors);
        ValidateClusterIps(spec, type, errors);
    }

    /// <summary>Kubernetes' validateClientIPAffinityConfig: a timeout for ClientIP, nothing for None.</summary>
    private static void ValidateAffinityConfig(ServiceSpec spec, ErrorList errors)
    {
        const string at = "spec.sessionAffinityConfig";
        if (spec.SessionAffinity == "ClientIP")
        {
            if (spec.SessionAffinityConfig is not { } config)
                errors.Required(at);
            else if (config.ClientIP is not { } clientIp)
                errors.Required(at + ".clientIP");
            else if (clientIp.TimeoutSeconds is not { } seconds)
                errors.Required(at + ".clientIP.timeoutSeconds");
            else if (seconds is < 1 or > MaxAffinitySeconds)
                errors.Invalid(at + ".clientIP.timeoutSeconds", seconds, $"must be greater than 0 and less than or equal to {MaxAffinitySeconds}");
        }
        else if (spec.SessionAffinityConfig is not null && spec.SessionAffinity is null or "None")
        {
            errors.Forbidden(at, "must not be set when session affinity is None");
        }
    }

    /// <summary>
    /// Kubernetes' validateServiceInternalTrafficPolicy and validateServiceExternalTrafficPolicy: Cluster or Local;
    /// the external policy only for a service reachable from outside (NodePort, LoadBalancer), and the health-check
    /// node port only where a load balancer would ask it (LoadBalancer with the external policy Local).
    /// </summary>
    private static void ValidateTrafficPolicies(ServiceSpec spec, string? type, ErrorList errors)
    {
        // As Kubernetes: an ExternalName service has no traffic of its own, so its internal policy is not looked at.
        if (spec.InternalTrafficPolicy is { } internalPolicy && type != "ExternalName" && Array.IndexOf(TrafficPolicies, internalPolicy) < 0)
            errors.NotSupported("spec.internalTrafficPolicy", internalPolicy, TrafficPolicies);
        var external = type is "NodePort" or "LoadBalancer";
        if (spec.ExternalTrafficPolicy is { } externalPolicy)
        {
            if (!external)
                errors.Invalid("spec.externalTrafficPolicy", externalPolicy, "may only be set for externally-accessible services");
            else if (Array.IndexOf(TrafficPolicies, externalPolicy) < 0)
                errors.NotSupported("spec.externalTrafficPolicy", externalPolicy, TrafficPolicies);
        }
        if (spec.HealthCheckNodePort is { } healthCheck and not 0)
        {
            if (!NeedsHealthCheck(spec))
                errors.Invalid("spec.healthCheckNodePort", healthCheck, "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'");
            else if (NameRules.PortNumber(healthCheck) is { } problem)
                errors.Invalid("spec.healthCheckNodePort", healthCheck, problem);
        }
    }

    /// <summary>Kubernetes' NeedsHealthCheck: a LoadBalancer whose external traffic stays on the receiving node.</summary>
    public static bool NeedsHealthCheck(ServiceSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return spec.Type == "LoadBalancer" && spec.ExternalTrafficPolicy == "Local";
    }

    private static void ValidatePorts(List<ServicePort>? ports, string? type, ErrorList errors)
    {
        if (ports is null)
            return;
        var names = new HashSet<string>(StringComparer.Ordinal);
        var endpoints = new HashSet<(int, string)>();
        for (var i = 0; i < ports.Count; i++)
        {
            var at = $"spec.ports[{i}]";
            var port = ports[i];
            if (port is null)
            {
                errors.Required(at);
                continue;
            }
            // With several ports the name is what Endpoints and Ingress backends refer to.
            if (string.IsNullOrEmpty(port.Name))
            {
                if (ports.Count > 1)
                    errors.Required(at + ".name");
            }
            else if (NameRules.Dns1123Label(port.Name) is { } nameProblem)
            {
                errors.Invalid(at + ".name", port.Name, nameProblem);
            }
            else if (!names.Add(port.Name))
            {
                errors.Duplicate(at + ".name", port.Name);
            }
            if (port.Port == 0)
                errors.Required(at + ".port");
            else if (NameRules.PortNumber(port.Port) is { } portProblem)
                errors.Invalid(at + ".port", port.Port, portProblem);
            if (port.Protocol is not null && Array.IndexOf(Protocols, port.Protocol) < 0)
                errors.NotSupported(at + ".protocol", port.Protocol, Protocols);
            if (port.TargetPort is { } target)
                ProbeValidation.ValidatePortNumOrName(target, at + ".targetPort", errors);
            if (port.NodePort is { } nodePort and not 0)
            {
                if (type is null or "ClusterIP" or "ExternalName")
                    errors.Forbidden(at + ".nodePort", $"may not be used when `type` is '{type ?? "ClusterIP"}'");
                else if (NameRules.PortNumber(nodePort) is { } nodePortProblem)
                    errors.Invalid(at + ".nodePort", nodePort, nodePortProblem);
            }
            if (!endpoints.Add((port.Port, port.Protocol ?? "TCP")))
                errors.Duplicate(at, $"{port.Port}/{port.Protocol ?? "TCP"}");
        }
    }

    private static void ValidateClusterIps(ServiceSpec spec, string? type, ErrorList errors)
    {
        var clusterIp = spec.ClusterIP;
        if (!string.IsNullOrEmpty(clusterIp))
        {
            if (clusterIp == "None")
            {
                // Headless means "no virtual IP, resolve to pods": a node port or balancer needs the virtual IP.
                if (type is "NodePort" or "LoadBalancer")
                    errors.Invalid("spec.clusterIP", clusterIp, $"may not be set to 'None' for {type} services");
            }
            else if (!NetworkRules.IsIp(clusterIp))
            {
                errors.Invalid("spec.clusterIP", clusterIp, "must be empty, 'None', or a valid IP address");
            }
        }
        if (spec.ClusterIPs is not { Count: > 0 } clusterIps)
            return;
        if (!string.IsNullOrEmpty(clusterIp) && clusterIps[0] != clusterIp)
            errors.Invalid("spec.clusterIPs", clusterIps[0], "element [0] must match clusterIP");
        for (var i = 0; i < clusterIps.Count; i++)
        {
            var ip = clusterIps[i] ?? "";
            if (ip != "None" && !NetworkRules.IsIp(ip))
                errors.Invalid($"spec.clusterIPs[{i}]", ip, "must be empty, 'None', or a valid IP address");
        }
    }

    public static void ValidateUpdate(Service updated, Service existing, ErrorList errors)
    {
        var old = existing.Spec?.ClusterIP;
        var now = updated.Spec?.ClusterIP;
        // Clients and proxies cache the virtual IP; only turning the service into a DNS alias may drop it.
        // An omitted IP is not a change: like Kubernetes' patchAllocatedValues, the server carries the
        // allocated one over (a replayed manifest never names it).
        if (!string.IsNullOrEmpty(old) && !string.IsNullOrEmpty(now) && updated.Spec?.Type != "ExternalName"
            && !string.Equals(old, now, StringComparison.Ordinal))
            errors.Invalid("spec.clusterIP", now, "field is immutable");
    }
}
