namespace Drover.Api;

/// <summary>Kubernetes ValidateEndpoints.</summary>
internal static class EndpointsValidation
{
    private static readonly string[] Protocols = ["SCTP", "TCP", "UDP"];

    public static void Validate(Endpoints endpoints, ErrorList errors)
    {
        // Endpoints share their Service's name.
        MetadataValidation.Validate(endpoints.Metadata, namespaced: true, NameRules.Dns1123Subdomain, errors);
        if (endpoints.Subsets is not { } subsets)
            return;
        for (var i = 0; i < subsets.Count; i++)
        {
            var at = $"subsets[{i}]";
            var subset = subsets[i];
            if (subset is null)
            {
                errors.Required(at);
                continue;
            }
            if ((subset.Addresses?.Count ?? 0) == 0 && (subset.NotReadyAddresses?.Count ?? 0) == 0)
                errors.Required(at, "must specify `addresses` or `notReadyAddresses`");
            ValidateAddresses(subset.Addresses, at + ".addresses", errors);
            ValidateAddresses(subset.NotReadyAddresses, at + ".notReadyAddresses", errors);
            if (subset.Ports is { } ports)
            {
                for (var j = 0; j < ports.Count; j++)
                    ValidatePort(ports[j], ports.Count > 1, $"{at}.ports[{j}]", errors);
            }
        }
    }

    private static void ValidateAddresses(List<EndpointAddress>? addresses, string path, ErrorList errors)
    {
        if (addresses is null)
            return;
        for (var i = 0; i < addresses.Count; i++)
        {
            var at = $"{path}[{i}]";
            var address = addresses[i];
            if (address is null)
            {
                errors.Required(at);
                continue;
            }
            if (!NetworkRules.TryParseIp(address.Ip ?? "", out var ip))
                errors.Invalid(at + ".ip", address.Ip, NetworkRules.IpMessage);
            else if (NetworkRules.SpecialIpProblem(ip!) is { } special)
                errors.Invalid(at + ".ip", address.Ip, special);
            if (!string.IsNullOrEmpty(address.Hostname) && NameRules.Dns1123Label(address.Hostname) is { } hostProblem)
                errors.Invalid(at + ".hostname", address.Hostname, hostProblem);
            if (!string.IsNullOrEmpty(address.NodeName) && NameRules.Dns1123Subdomain(address.NodeName) is { } nodeProblem)
                errors.Invalid(at + ".nodeName", address.NodeName, nodeProblem);
        }
    }

    private static void ValidatePort(EndpointPort? port, bool requireName, string at, ErrorList errors)
    {
        if (port is null)
        {
            errors.Required(at);
            return;
        }
        if (string.IsNullOrEmpty(port.Name))
        {
            if (requireName)
                errors.Required(at + ".name");
        }
        else if (NameRules.Dns1123Label(port.Name) is { } nameProblem)
        {
            errors.Invalid(at + ".name", port.Name, nameProblem);
        }
        if (NameRules.PortNumber(port.Port) is { } portProblem)
            errors.Invalid(at + ".port", port.Port, portProblem);
        if (port.Protocol is not null && Array.IndexOf(Protocols, port.Protocol) < 0)
            errors.NotSupported(at + ".protocol", port.Protocol, Protocols);
    }
}
