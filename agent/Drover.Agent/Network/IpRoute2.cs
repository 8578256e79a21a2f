using System.Globalization;
using System.Net;
using System.Text.Json;

namespace Drover.Agent.Network;

/// <summary>
/// The host's interfaces, routes, neighbours and FDB through iproute2 (ip and bridge with -j to read, -batch to write):
/// netlink without a netlink library, one exec per read and per batch of changes.
/// </summary>
internal sealed class IpRoute2
{
    private readonly HostCommand _host;

    public IpRoute2(HostCommand host)
    {
        ArgumentNullException.ThrowIfNull(host);
        _host = host;
    }

    public async Task<IReadOnlyList<HostInterface>> InterfacesAsync(CancellationToken ct)
    {
        var json = await _host.RunCheckedAsync("ip", ["-d", "-j", "addr", "show"], null, ct).ConfigureAwait(false);
        return ParseInterfaces(json);
    }

    public async Task<IReadOnlyList<HostRoute>> RoutesAsync(CancellationToken ct)
    {
        var json = await _host.RunCheckedAsync("ip", ["-j", "route", "show", "table", "main"], null, ct).ConfigureAwait(false);
        return ParseRoutes(json);
    }

    public async Task<IReadOnlyList<VxlanNeighbour>> NeighboursAsync(string device, CancellationToken ct)
    {
        var json = await _host.RunCheckedAsync("ip", ["-j", "neigh", "show", "dev", device, "nud", "permanent"], null, ct).ConfigureAwait(false);
        return ParseNeighbours(json);
    }

    public async Task<IReadOnlyList<VxlanFdbEntry>> FdbAsync(string device, CancellationToken ct)
    {
        var json = await _host.RunCheckedAsync("bridge", ["-j", "fdb", "show", "dev", device], null, ct).ConfigureAwait(false);
        return ParseFdb(json);
    }

    /// <summary>Runs <paramref name="lines"/> with ip -force -batch: every line is tried; returns the failed ones by index with the error.</summary>
    public Task<IReadOnlyDictionary<int, string>> IpBatchAsync(IReadOnlyList<string> lines, CancellationToken ct) => BatchAsync("ip", lines, ct);

    /// <summary>As <see cref="IpBatchAsync"/>, with bridge (FDB entries).</summary>
    public Task<IReadOnlyDictionary<int, string>> BridgeBatchAsync(IReadOnlyList<string> lines, CancellationToken ct) => BatchAsync("bridge", lines, ct);

    private async Task<IReadOnlyDictionary<int, string>> BatchAsync(string tool, IReadOnlyList<string> lines, CancellationToken ct)
    {
        if (lines.Count == 0)
            return new Dictionary<int, string>();
        var result = await _host.RunAsync(tool, ["-force", "-batch", "-"], string.Join('\n', lines) + "\n", ct).ConfigureAwait(false);
        if (result.ExitCode == 0)
            return new Dictionary<int, string>();
        var failures = ParseBatchErrors(result.Stderr);
        if (failures.Count == 0)
            throw new HostCommandException($"{tool} -batch failed (exit {result.ExitCode.ToString(CultureInfo.InvariantCulture)}): {result.Stderr.Trim()}");
        return failures;
    }

    /// <summary>"Error: …" lines followed by "Command failed -:N" (N counts from 1) → index N-1 → the error.</summary>
    internal static Dictionary<int, string> ParseBatchErrors(string stderr)
    {
        var failures = new Dictionary<int, string>();
        var message = new List<string>();
        foreach (var raw in stderr.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0)
                continue;
            if (line.StartsWith("Command failed -:", StringComparison.Ordinal)
                && int.TryParse(line.AsSpan("Command failed -:".Length), NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number >= 1)
            {
                failures[number - 1] = message.Count > 0 ? string.Join("; ", message) : "failed";
                message.Clear();
            }
            else
            {
                message.Add(line.StartsWith("Error: ", StringComparison.Ordinal) ? line["Error: ".Length..] : line);
            }
        }
        return failures;
    }

    internal static List<HostInterface> ParseInterfaces(string json)
    {
        var interfaces = new List<HostInterface>();
        using var document = Parse(json);
        foreach (var link in Items(document))
        {
            var name = String(link, "ifname");
            if (name is null)
                continue;
            var flags = link.TryGetProperty("flags", out var f) && f.ValueKind == JsonValueKind.Array
                ? f.EnumerateArray().Select(x => x.GetString()).ToHashSet(StringComparer.Ordinal)
                : [];
            var addresses = new List<HostAddress>();
            if (link.TryGetProperty("addr_info", out var info) && info.ValueKind == JsonValueKind.Array)
            {
                foreach (var address in info.EnumerateArray())
                {
                    if (String(address, "family") == "inet" && IPAddress.TryParse(String(address, "local"), out var local)
                        && address.TryGetProperty("prefixlen", out var prefix) && prefix.TryGetInt32(out var length))
                        addresses.Add(new HostAddress(local, length));
                }
            }
            VxlanLink? vxlan = null;
            if (link.TryGetProperty("linkinfo", out var linkInfo) && String(linkInfo, "info_kind") == "vxlan"
                && linkInfo.TryGetProperty("info_data", out var data))
            {
                vxlan = new VxlanLink(Int(data, "id"), Int(data, "port"), String(data, "local"), String(data, "link"),
                    data.TryGetProperty("learning", out var learning) && learning.ValueKind == JsonValueKind.True);
            }
            interfaces.Add(new HostInterface(name, Int(link, "mtu"), flags.Contains("UP"), String(link, "address"), addresses, vxlan));
        }
        return interfaces;
    }

    internal static List<HostRoute> ParseRoutes(string json)
    {
        var routes = new List<HostRoute>();
        using var document = Parse(json);
        foreach (var route in Items(document))
        {
            var destination = String(route, "dst");
            if (destination is null)
                continue;
            var onLink = route.TryGetProperty("flags", out var flags) && flags.ValueKind == JsonValueKind.Array
                && flags.EnumerateArray().Any(x => x.GetString() == "onlink");
            routes.Add(new HostRoute(destination, String(route, "gateway"), String(route, "dev"), onLink, String(route, "protocol")));
        }
        return routes;
    }

    internal static List<VxlanNeighbour> ParseNeighbours(string json)
    {
        var neighbours = new List<VxlanNeighbour>();
        using var document = Parse(json);
        foreach (var entry in Items(document))
        {
            if (IPAddress.TryParse(String(entry, "dst"), out var address) && address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork
                && String(entry, "lladdr") is { } mac)
                neighbours.Add(new VxlanNeighbour(address, mac.ToLowerInvariant()));
        }
        return neighbours;
    }

    /// <summary>The device's own (self) permanent entries that send to a remote address; the bridge's and learned ones are not ours.</summary>
    internal static List<VxlanFdbEntry> ParseFdb(string json)
    {
        var entries = new List<VxlanFdbEntry>();
        using var document = Parse(json);
        foreach (var entry in Items(document))
        {
            var self = entry.TryGetProperty("flags", out var flags) && flags.ValueKind == JsonValueKind.Array
                && flags.EnumerateArray().Any(x => x.GetString() == "self");
            if (self && String(entry, "state") == "permanent" && String(entry, "mac") is { } mac
                && IPAddress.TryParse(String(entry, "dst"), out var destination))
                entries.Add(new VxlanFdbEntry(mac.ToLowerInvariant(), destination));
        }
        return entries;
    }

    private static JsonDocument Parse(string json)
    {
        try
        {
            // ip prints nothing at all for some empty answers.
            return JsonDocument.Parse(string.IsNullOrWhiteSpace(json) ? "[]" : json, new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException e)
        {
            throw new HostCommandException("iproute2 printed JSON that cannot be read: " + e.Message, e);
        }
    }

    private static JsonElement.ArrayEnumerator Items(JsonDocument document) =>
        document.RootElement.ValueKind == JsonValueKind.Array
            ? document.RootElement.EnumerateArray()
            : throw new HostCommandException($"iproute2 printed a JSON {document.RootElement.ValueKind} where a list was expected");

    private static string? String(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static int Int(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.TryGetInt32(out var number) ? number : 0;
}
