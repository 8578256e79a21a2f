namespace Drover.Api;

/// <summary>Kubernetes ValidateIngressSpec (networking.k8s.io/v1).</summary>
internal static class IngressValidation
{
    private static readonly string[] PathTypes = ["Exact", "ImplementationSpecific", "Prefix"];
    // Sequences a proxy would normalise differently from the router, which would let a request slip past a rule.
    private static readonly string[] InvalidPathSequences = ["//", "/./", "/../", "%2f", "%2F"];
    private static readonly string[] InvalidPathSuffixes = ["/..", "/."];

    public static void Validate(Ingress ingress, ErrorList errors)
    {
        MetadataValidation.Validate(ingress.Metadata, namespaced: true, NameRules.Dns1123Subdomain, errors);
        var spec = ingress.Spec;
        if (spec is null)
        {
            errors.Required("spec");
            return;
        }
        if ((spec.Rules?.Count ?? 0) == 0 && spec.DefaultBackend is null)
            errors.InvalidRendered("spec", "[]", "either `defaultBackend` or `rules` must be specified");
        if (spec.DefaultBackend is not null)
            ValidateBackend(spec.DefaultBackend, "spec.defaultBackend", errors);
        if (spec.IngressClassName is { } className && NameRules.Dns1123Subdomain(className) is { } classProblem)
            errors.Invalid("spec.ingressClassName", className, classProblem);
        ValidateRules(spec.Rules, errors);
        ValidateTls(spec.Tls, errors);
    }

    private static void ValidateRules(List<IngressRule>? rules, ErrorList errors)
    {
        if (rules is null)
            return;
        for (var i = 0; i < rules.Count; i++)
        {
            var at = $"spec.rules[{i}]";
            var rule = rules[i];
            if (rule is null)
            {
                errors.Required(at);
                continue;
            }
            if (!string.IsNullOrEmpty(rule.Host))
                ValidateHost(rule.Host, at + ".host", errors);
            if (rule.Http is not { } http)
                continue;
            if (http.Paths is null || http.Paths.Count == 0)
            {
                errors.Required(at + ".http.paths");
                continue;
            }
            for (var j = 0; j < http.Paths.Count; j++)
                ValidatePath(http.Paths[j], $"{at}.http.paths[{j}]", errors);
        }
    }

    /// <summary>Hosts are matched against the Host header by name; an IP there would never route as intended.</summary>
    private static void ValidateHost(string host, string path, ErrorList errors)
    {
        if (NetworkRules.IsIp(host))
        {
            errors.Invalid(path, host, "must be a DNS name, not an IP address");
            return;
        }
        var problem = host.Contains('*', StringComparison.Ordinal)
            ? NameRules.WildcardDns1123Subdomain(host)
            : NameRules.Dns1123Subdomain(host);
        if (problem is not null)
            errors.Invalid(path, host, problem);
    }

    private static void ValidatePath(HttpIngressPath? path, string at, ErrorList errors)
    {
        if (path is null)
        {
            errors.Required(at);
            return;
        }
        var value = path.Path ?? "";
        switch (path.PathType)
        {
            case null or "":
                // Kubernetes gives no default: the matching semantics must be the user's choice.
                errors.Required(at + ".pathType", "pathType must be specified");
                break;
            case "Exact" or "Prefix":
                if (!value.StartsWith('/'))
                    errors.Invalid(at + ".path", value, "must be an absolute path");
                if (value.Length > 0)
                {
                    foreach (var sequence in InvalidPathSequences)
                        if (value.Contains(sequence, StringComparison.Ordinal))
                            errors.Invalid(at + ".path", value, $"must not contain '{sequence}'");
                    foreach (var suffix in InvalidPathSuffixes)
                        if (value.EndsWith(suffix, StringComparison.Ordinal))
                            errors.Invalid(at + ".path", value, $"cannot end with '{suffix}'");
                }
                break;
            case "ImplementationSpecific":
                if (value.Length > 0 && !value.StartsWith('/'))
                    errors.Invalid(at + ".path", value, "must be an absolute path");
                break;
            default:
                errors.NotSupported(at + ".pathType", path.PathType, PathTypes);
                break;
        }
        if (path.Backend is null)
            errors.Required(at + ".backend");
        else
            ValidateBackend(path.Backend, at + ".backend", errors);
    }

    private static void ValidateBackend(IngressBackend backend, string path, ErrorList errors)
    {
        if (backend.Service is not { } service)
        {
            errors.Invalid(path, "", "resource or service backend is required");
            return;
        }
        if (string.IsNullOrEmpty(service.Name))
            errors.Required(path + ".service.name");
        else if (NameRules.Dns1035Label(service.Name) is { } nameProblem)
            errors.Invalid(path + ".service.name", service.Name, nameProblem);

        var portName = service.Port?.Name;
        var portNumber = service.Port?.Number ?? 0;
        var hasName = !string.IsNullOrEmpty(portName);
        var hasNumber = portNumber != 0;
        if (hasName && hasNumber)
            errors.Invalid(path, "", "cannot set both port name & port number");
        else if (hasName)
        {
            if (NameRules.PortName(portName!) is { } problem)
                errors.Invalid(path + ".service.port.name", portName, problem);
        }
        else if (hasNumber)
        {
            if (NameRules.PortNumber(portNumber) is { } problem)
                errors.Invalid(path + ".service.port.number", portNumber, problem);
        }
        else
        {
            errors.Required(path, "port name or number is required");
        }
    }

    private static void ValidateTls(List<IngressTls>? tls, ErrorList errors)
    {
        if (tls is null)
            return;
        for (var i = 0; i < tls.Count; i++)
        {
            var at = $"spec.tls[{i}]";
            var entry = tls[i];
            if (entry is null)
            {
                errors.Required(at);
                continue;
            }
            if (entry.Hosts is { } hosts)
            {
                for (var j = 0; j < hosts.Count; j++)
                {
                    var host = hosts[j] ?? "";
                    var problem = host.Contains('*', StringComparison.Ordinal)
                        ? NameRules.WildcardDns1123Subdomain(host)
                        : NameRules.Dns1123Subdomain(host);
                    if (problem is not null)
                        errors.Invalid($"{at}.hosts[{j}]", host, problem);
                }
            }
            if (!string.IsNullOrEmpty(entry.SecretName) && NameRules.Dns1123Subdomain(entry.SecretName) is { } secretProblem)
                errors.Invalid(at + ".secretName", entry.SecretName, secretProblem);
        }
    }
}
