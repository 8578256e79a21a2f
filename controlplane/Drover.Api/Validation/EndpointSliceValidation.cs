namespace Drover.Api;

/// <summary>Kubernetes ValidateEndpointSlice (discovery/v1), with its limits: 1000 endpoints, 100 addresses each, 100 ports.</summary>
internal static class EndpointSliceValidation
{
    public const int MaxEndpoints = 1000;
    public const int MaxAddresses = 100;
    public const int MaxPorts = 100;
    private static readonly string[] AddressTypes = ["FQDN", "IPv4", "IPv6"];
    private static readonly string[] Protocols = ["SCTP", "TCP", "UDP"];

    public static void Validate(EndpointSlice slice, ErrorList errors)
    {
        MetadataValidation.Validate(slice.Metadata, namespaced: true, NameRules.Dns1123Subdomain, errors);
        if (string.IsNullOrEmpty(slice.AddressType))
            errors.Required("addressType");
        else if (Array.IndexOf(AddressTypes, slice.AddressType) < 0)
            errors.NotSupported("addressType", slice.AddressType, AddressTypes);
        ValidateEndpoints(slice.Endpoints, slice.AddressType, errors);
        ValidatePorts(slice.Ports, errors);
    }

    public static void ValidateUpdate(EndpointSlice updated, EndpointSlice existing, ErrorList errors)
    {
        if (updated.AddressType != existing.AddressType)
            errors.Invalid("addressType", updated.AddressType, "field is immutable");
    }

    private static void ValidateEndpoints(List<SliceEndpoint>? endpoints, string addressType, ErrorList errors)
    {
        if (endpoints is null)
            return;
        if (endpoints.Count > MaxEndpoints)
        {
            errors.Add(new FieldError("endpoints", FieldErrorType.TooMany, endpoints.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), $"must have at most {MaxEndpoints} items"));
            return;
        }
        for (var i = 0; i < endpoints.Count; i++)
        {
            var at = $"endpoints[{i}]";
            var endpoint = endpoints[i];
            if (endpoint is null)
            {
                errors.Required(at);
                continue;
            }
            var addresses = endpoint.Addresses ?? [];
            if (addresses.Count == 0)
                errors.Required(at + ".addresses", "must contain at least 1 address");
            else if (addresses.Count > MaxAddresses)
                errors.Add(new FieldError(at + ".addresses", FieldErrorType.TooMany, addresses.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), $"must have at most {MaxAddresses} items"));
            else
            {
                for (var j = 0; j < addresses.Count; j++)
                    ValidateAddress(addresses[j] ?? "", addressType, $"{at}.addresses[{j}]", errors);
            }
            if (!string.IsNullOrEmpty(endpoint.Hostname) && NameRules.Dns1123Label(endpoint.Hostname) is { } hostProblem)
                errors.Invalid(at + ".hostname", endpoint.Hostname, hostProblem);
            if (!string.IsNullOrEmpty(endpoint.NodeName) && NameRules.Dns1123Subdomain(endpoint.NodeName) is { } nodeProblem)
                errors.Invalid(at + ".nodeName", endpoint.NodeName, nodeProblem);
        }
    }

    private static void ValidateAddress(string address, string addressType, string at, ErrorList errors)
    {
        switch (addressType)
        {
            case "IPv4" or "IPv6":
                var family = addressType == "IPv4" ? System.Net.Sockets.AddressFamily.InterNetwork : System.Net.Sockets.AddressFamily.InterNetworkV6;
                if (!NetworkRules.TryParseIp(address, out var ip) || ip!.AddressFamily != family)
                    errors.Invalid(at, address, $"must be a valid {addressType} address");
                break;
            case "FQDN":
                if (NameRules.Dns1123Subdomain(address) is { } problem)
                    errors.Invalid(at, address, problem);
                break;
        }
    }

    private static void ValidatePorts(List<EndpointSlicePort>? ports, ErrorList errors)
    {
        if (ports is null)
            return;
        if (ports.Count > MaxPorts)
        {
            errors.Add(new FieldError("ports", FieldErrorType.TooMany, ports.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), $"must have at most {MaxPorts} items"));
            return;
        }
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < ports.Count; i++)
        {
            var at = $"ports[{i}]";
            var port = ports[i];
            if (port is null)
            {
                errors.Required(at);
                continue;
            }
            var name = port.Name ?? "";
            if (name.Length > 0 && NameRules.Dns1123Label(name) is { } nameProblem)
                errors.Invalid(at + ".name", name, nameProblem);
            else if (!names.Add(name))
                errors.Duplicate(at + ".name", name);
            if (port.Protocol is not null && Array.IndexOf(Protocols, port.Protocol) < 0)
                errors.NotSupported(at + ".protocol", port.Protocol, Protocols);
            if (port.Port is { } number && NameRules.PortNumber(number) is { } portProblem)
                errors.Invalid(at + ".port", number, portProblem);
        }
    }
}
