using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Drover.Api;

namespace Drover.Agent.ClusterDns;

/// <summary>
/// The cluster's names, as the Kubernetes DNS specification defines them and CoreDNS serves them, built from
/// Services and EndpointSlices in one pass (immutable; a change builds a new zone):
/// <c>&lt;svc&gt;.&lt;ns&gt;.svc.&lt;domain&gt;</c> A → the cluster IP, or the ready endpoints' addresses for a headless
/// Service (each also as <c>&lt;hostname or dashed-ip&gt;.&lt;svc&gt;.&lt;ns&gt;.svc.&lt;domain&gt;</c>); CNAME for ExternalName;
/// SRV <c>_&lt;port&gt;._&lt;proto&gt;.&lt;svc&gt;.&lt;ns&gt;.svc.&lt;domain&gt;</c> for named ports; and
/// <c>&lt;a-b-c-d&gt;.&lt;ns&gt;.pod.&lt;domain&gt;</c> A → a.b.c.d. Any other name in the domain is NXDOMAIN; a name outside
/// it is not the zone's (<see cref="Contains"/>).
/// </summary>
internal sealed class ClusterDnsZone
{
    /// <summary>CoreDNS's kubernetes plugin answers with a TTL of 5 s: short, so a changed Service is seen soon.</summary>
    public const uint Ttl = 5;

    private readonly Dictionary<string, List<DnsRecord>> _names;

    private ClusterDnsZone(string domain, Dictionary<string, List<DnsRecord>> names)
    {
        Domain = domain;
        _names = names;
    }

    public string Domain { get; }

    public int NameCount => _names.Count;

    public static ClusterDnsZone Empty(string domain) => new(domain, new(StringComparer.Ordinal));

    public static ClusterDnsZone Build(string domain, IEnumerable<Service> services, IEnumerable<EndpointSlice> slices)
    {
        ArgumentException.ThrowIfNullOrEmpty(domain);
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(slices);
        var names = new Dictionary<string, List<DnsRecord>>(StringComparer.Ordinal);
        var byService = new Dictionary<string, List<EndpointSlice>>(StringComparer.Ordinal);
        foreach (var slice in slices)
        {
            if (slice.AddressType != "IPv4" || slice.Metadata.Labels?.GetValueOrDefault(WellKnownLabels.ServiceName) is not { Length: > 0 } owner)
                continue;
            var key = slice.Metadata.Namespace + "/" + owner;
            if (!byService.TryGetValue(key, out var list))
                byService[key] = list = [];
            list.Add(slice);
        }
        foreach (var service in services)
        {
            var ns = service.Metadata.Namespace;
            var name = service.Metadata.Name;
            if (string.IsNullOrEmpty(ns) || string.IsNullOrEmpty(name))
                continue;
            var fqdn = $"{name}.{ns}.svc.{domain}";
            if (!DnsName.IsValid(fqdn))
                continue;
            var spec = service.Spec;
            if (spec.Type == "ExternalName")
            {
                if (spec.ExternalName is { Length: > 0 } external && DnsName.IsValid(external.TrimEnd('.').ToLowerInvariant()))
                    Add(names, fqdn, new DnsRecord(fqdn, DnsWire.TypeCname, Ttl, DnsName.Cname(external.TrimEnd('.').ToLowerInvariant())));
                continue;
            }
            var endpoints = ReadyEndpoints(byService.GetValueOrDefault(ns + "/" + name) ?? []);
            if (spec.ClusterIP == "None")
            {
                AddHeadless(names, fqdn, spec, endpoints);
                continue;
            }
            if (Ipv4(spec.ClusterIP) is not { } clusterIp)
                continue;
            Add(names, fqdn, new DnsRecord(fqdn, DnsWire.TypeA, Ttl, DnsName.A(clusterIp)));
            foreach (var port in spec.Ports ?? [])
            {
                if (port?.Name is { Length: > 0 } portName && port.Port is > 0 and <= 65535 && Srv(portName, port.Protocol, fqdn) is { } srvName)
                    Add(names, srvName, new DnsRecord(srvName, DnsWire.TypeSrv, Ttl, DnsName.Srv(0, 100, (ushort)port.Port, fqdn)));
            }
        }
        return new ClusterDnsZone(domain, names);
    }

    /// <summary>True when <paramref name="name"/> is the cluster domain or below it: the zone answers it, NXDOMAIN if nothing is there.</summary>
    public bool Contains(string name) =>
        name.Length >= Domain.Length && name.EndsWith(Domain, StringComparison.Ordinal) && (name.Length == Domain.Length || name[^(Domain.Length + 1)] == '.');

    public DnsAnswer Answer(string name, ushort type)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!_names.TryGetValue(name, out var records))
        {
            return PodAddress(name) is { } pod
                ? Filter([new DnsRecord(name, DnsWire.TypeA, Ttl, DnsName.A(pod))], type)
                : DnsAnswer.NameError;
        }
        return Filter(records, type);
    }

    private static DnsAnswer Filter(List<DnsRecord> records, ushort type)
    {
        // A CNAME answers every type (RFC 1034 §3.6.2); the client follows it.
        if (type == DnsWire.TypeAny || records.Exists(r => r.Type == DnsWire.TypeCname))
            return new DnsAnswer(DnsWire.NoError, records);
        return new DnsAnswer(DnsWire.NoError, records.FindAll(r => r.Type == type));
    }

    /// <summary><c>a-b-c-d.&lt;ns&gt;.pod.&lt;domain&gt;</c> → a.b.c.d (CoreDNS's "pods insecure": the address is not looked up).</summary>
    private uint? PodAddress(string name)
    {
        var suffix = ".pod." + Domain;
        if (!name.EndsWith(suffix, StringComparison.Ordinal))
            return null;
        var head = name[..^suffix.Length];
        var dot = head.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0 || head.IndexOf('.', dot + 1) >= 0 || dot == head.Length - 1)
            return null;
        return Ipv4(head[..dot].Replace('-', '.'));
    }

    private static void AddHeadless(Dictionary<string, List<DnsRecord>> names, string fqdn, ServiceSpec spec, List<(uint Address, string? Hostname, Dictionary<string, int> Ports)> endpoints)
    {
        if (endpoints.Count == 0)
        {
            // The name exists (NOERROR, no addresses) while the Service does, as CoreDNS answers.
            names.TryAdd(fqdn, []);
        }
        foreach (var (address, hostname, ports) in endpoints)
        {
            Add(names, fqdn, new DnsRecord(fqdn, DnsWire.TypeA, Ttl, DnsName.A(address)));
            var label = hostname is { Length: > 0 } h && DnsName.IsValid(h) && !h.Contains('.', StringComparison.Ordinal) ? h.ToLowerInvariant() : Dashed(address);
            var endpointName = label + "." + fqdn;
            if (!DnsName.IsValid(endpointName))
                continue;
            Add(names, endpointName, new DnsRecord(endpointName, DnsWire.TypeA, Ttl, DnsName.A(address)));
            foreach (var port in spec.Ports ?? [])
            {
                if (port?.Name is { Length: > 0 } portName && ports.TryGetValue(portName, out var number) && Srv(portName, port.Protocol, fqdn) is { } srvName)
                    Add(names, srvName, new DnsRecord(srvName, DnsWire.TypeSrv, Ttl, DnsName.Srv(0, 100, (ushort)number, endpointName)));
            }
        }
    }

    /// <summary>Addresses of the endpoints that take traffic (ready, not terminating), each once, with their named ports' numbers.</summary>
    private static List<(uint Address, string? Hostname, Dictionary<string, int> Ports)> ReadyEndpoints(List<EndpointSlice> slices)
    {
        var result = new List<(uint, string?, Dictionary<string, int>)>();
        var seen = new HashSet<uint>();
        foreach (var slice in slices)
        {
            var ports = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var port in slice.Ports ?? [])
                if (port?.Name is { Length: > 0 } portName && port.Port is > 0 and <= 65535)
                    ports[portName] = port.Port.Value;
            foreach (var endpoint in slice.Endpoints ?? [])
            {
                if (endpoint is null || endpoint.Conditions?.Ready == false || endpoint.Conditions?.Terminating == true)
                    continue;
                foreach (var text in endpoint.Addresses)
                    if (Ipv4(text) is { } address && seen.Add(address))
                        result.Add((address, endpoint.Hostname, ports));
            }
        }
        result.Sort((a, b) => a.Item1.CompareTo(b.Item1));
        return result;
    }

    private static string? Srv(string portName, string? protocol, string fqdn)
    {
        var name = $"_{portName.ToLowerInvariant()}._{(protocol ?? "TCP").ToLowerInvariant()}.{fqdn}";
        return DnsName.IsValid(name) ? name : null;
    }

    private static void Add(Dictionary<string, List<DnsRecord>> names, string name, DnsRecord record)
    {
        if (!names.TryGetValue(name, out var list))
            names[name] = list = [];
        list.Add(record);
    }

    private static string Dashed(uint address) =>
        string.Create(CultureInfo.InvariantCulture, $"{address >> 24}-{(address >> 16) & 0xFF}-{(address >> 8) & 0xFF}-{address & 0xFF}");

    private static uint? Ipv4(string? text) =>
        text is { Length: > 0 } && IPAddress.TryParse(text, out var ip) && ip.AddressFamily == AddressFamily.InterNetwork && ip.ToString() == text
            ? BinaryPrimitives.ReadUInt32BigEndian(ip.GetAddressBytes())
            : null;
}
