using System.Buffers;
using System.Text.Json;
using Drover.Api;

namespace Drover.ControlPlane.Api.Discovery;

/// <summary>
/// Every discovery answer, encoded once from <see cref="ResourceTypes"/> (plus the metrics API): /api, /api/v1, /apis,
/// /apis/GROUP, /apis/GROUP/VERSION, and the aggregated apidiscovery.k8s.io/v2 lists kubectl 1.32 asks for first.
/// The shapes are apimachinery's metav1.APIVersions, APIGroupList, APIGroup, APIResourceList and
/// apidiscovery/v2's APIGroupDiscoveryList.
/// </summary>
internal sealed class DiscoveryDocuments
{
    private readonly Dictionary<string, byte[]> _groups = new(StringComparer.Ordinal);
    private readonly Dictionary<string, byte[]> _resourceLists = new(StringComparer.Ordinal);

    public DiscoveryDocuments(IEnumerable<DiscoveredResource> resources)
    {
        ArgumentNullException.ThrowIfNull(resources);
        var all = resources.ToList();
        Resources = all;
        // Group → versions in order of first appearance (one version per group today: autoscaling is v2 only).
        var byGroupVersion = all.GroupBy(r => (r.Group, r.Version)).ToList();
        var groups = byGroupVersion.Select(g => g.Key.Group).Where(g => g.Length > 0).Distinct().ToList();

        CoreVersions = Write(w =>
        {
            w.WriteString("kind"u8, "APIVersions");
            w.WriteStartArray("versions"u8);
            foreach (var gv in byGroupVersion.Where(g => g.Key.Group.Length == 0))
                w.WriteStringValue(gv.Key.Version);
            w.WriteEndArray();
            w.WriteStartArray("serverAddressByClientCIDRs"u8);
            w.WriteEndArray();
        });
        GroupList = Write(w =>
        {
            w.WriteString("kind"u8, "APIGroupList");
            w.WriteString("apiVersion"u8, "v1");
            w.WriteStartArray("groups"u8);
            foreach (var group in groups)
            {
                w.WriteStartObject();
                WriteGroupBody(w, group, byGroupVersion.Where(g => g.Key.Group == group).Select(g => g.Key.Version).ToList());
                w.WriteEndObject();
            }
            w.WriteEndArray();
        });
        foreach (var group in groups)
        {
            var versions = byGroupVersion.Where(g => g.Key.Group == group).Select(g => g.Key.Version).ToList();
            _groups[group] = Write(w =>
            {
                w.WriteString("kind"u8, "APIGroup");
                w.WriteString("apiVersion"u8, "v1");
                WriteGroupBody(w, group, versions);
            });
        }
        foreach (var gv in byGroupVersion)
        {
            var groupVersion = gv.First().GroupVersion;
            _resourceLists[groupVersion] = Write(w =>
            {
                w.WriteString("kind"u8, "APIResourceList");
                w.WriteString("apiVersion"u8, "v1");
                w.WriteString("groupVersion"u8, groupVersion);
                w.WriteStartArray("resources"u8);
                foreach (var resource in gv)
                    WriteResource(w, resource);
                w.WriteEndArray();
            });
        }
        AggregatedCore = Write(w => WriteAggregated(w, byGroupVersion.Where(g => g.Key.Group.Length == 0).ToList()));
        AggregatedGroups = Write(w => WriteAggregated(w, byGroupVersion.Where(g => g.Key.Group.Length > 0).ToList()));
    }

    /// <summary>Everything droverd serves: the stored kinds, then the metrics API and the self reviews.</summary>
    public static DiscoveryDocuments Served { get; } = new(ResourceTypes.All.Select(DiscoveredResource.From).Concat(DiscoveredResource.Metrics).Concat(DiscoveredResource.Reviews));

    public IReadOnlyList<DiscoveredResource> Resources { get; }
    public byte[] CoreVersions { get; }
    public byte[] GroupList { get; }
    public byte[] AggregatedCore { get; }
    public byte[] AggregatedGroups { get; }

    public byte[]? Group(string name) => _groups.GetValueOrDefault(name);

    /// <summary>The APIResourceList of "v1" or "apps/v1"; null for a group version not served.</summary>
    public byte[]? ResourceList(string groupVersion) => _resourceLists.GetValueOrDefault(groupVersion);

    private static void WriteGroupBody(Utf8JsonWriter w, string group, IReadOnlyList<string> versions)
    {
        w.WriteString("name"u8, group);
        w.WriteStartArray("versions"u8);
        foreach (var version in versions)
            WriteGroupVersion(w, group, version);
        w.WriteEndArray();
        w.WritePropertyName("preferredVersion"u8);
        WriteGroupVersion(w, group, versions[0]);
    }

    private static void WriteGroupVersion(Utf8JsonWriter w, string group, string version)
    {
        w.WriteStartObject();
        w.WriteString("groupVersion"u8, group + "/" + version);
        w.WriteString("version"u8, version);
        w.WriteEndObject();
    }

    private static void WriteResource(Utf8JsonWriter w, DiscoveredResource r)
    {
        w.WriteStartObject();
        w.WriteString("name"u8, r.Plural);
        w.WriteString("singularName"u8, r.Singular);
        w.WriteBoolean("namespaced"u8, r.Namespaced);
        w.WriteString("kind"u8, r.Kind);
        WriteStrings(w, "verbs"u8, r.Verbs);
        if (r.ShortNames.Count > 0)
            WriteStrings(w, "shortNames"u8, r.ShortNames);
        if (r.Categories.Count > 0)
            WriteStrings(w, "categories"u8, r.Categories);
        w.WriteEndObject();
        foreach (var sub in r.Subresources)
        {
            w.WriteStartObject();
            w.WriteString("name"u8, r.Plural + "/" + sub.Name);
            w.WriteString("singularName"u8, "");
            w.WriteBoolean("namespaced"u8, r.Namespaced);
            // group and version are named only when the subresource's kind lives elsewhere (deployments/scale: autoscaling/v1 Scale).
            if (sub.Group != r.Group || sub.Version != r.Version)
            {
                w.WriteString("group"u8, sub.Group);
                w.WriteString("version"u8, sub.Version);
            }
            w.WriteString("kind"u8, sub.Kind);
            WriteStrings(w, "verbs"u8, sub.Verbs);
            w.WriteEndObject();
        }
    }

    private static void WriteAggregated(Utf8JsonWriter w, IReadOnlyList<IGrouping<(string Group, string Version), DiscoveredResource>> groupVersions)
    {
        w.WriteString("kind"u8, "APIGroupDiscoveryList");
        w.WriteString("apiVersion"u8, "apidiscovery.k8s.io/v2");
        w.WriteStartObject("metadata"u8);
        w.WriteEndObject();
        w.WriteStartArray("items"u8);
        foreach (var group in groupVersions.GroupBy(g => g.Key.Group))
        {
            w.WriteStartObject();
            w.WriteStartObject("metadata"u8);
            if (group.Key.Length > 0)
                w.WriteString("name"u8, group.Key);
            w.WriteNull("creationTimestamp"u8);
            w.WriteEndObject();
            w.WriteStartArray("versions"u8);
            foreach (var version in group)
            {
                w.WriteStartObject();
                w.WriteString("version"u8, version.Key.Version);
                w.WriteStartArray("resources"u8);
                foreach (var r in version)
                    WriteAggregatedResource(w, r);
                w.WriteEndArray();
                w.WriteString("freshness"u8, "Current");
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    private static void WriteAggregatedResource(Utf8JsonWriter w, DiscoveredResource r)
    {
        w.WriteStartObject();
        w.WriteString("resource"u8, r.Plural);
        WriteKind(w, "responseKind"u8, r.Group, r.Version, r.Kind);
        w.WriteString("scope"u8, r.Namespaced ? "Namespaced" : "Cluster");
        w.WriteString("singularResource"u8, r.Singular);
        WriteStrings(w, "verbs"u8, r.Verbs);
        if (r.ShortNames.Count > 0)
            WriteStrings(w, "shortNames"u8, r.ShortNames);
        if (r.Categories.Count > 0)
            WriteStrings(w, "categories"u8, r.Categories);
        if (r.Subresources.Count > 0)
        {
            w.WriteStartArray("subresources"u8);
            foreach (var sub in r.Subresources)
            {
                w.WriteStartObject();
                w.WriteString("subresource"u8, sub.Name);
                WriteKind(w, "responseKind"u8, sub.Group, sub.Version, sub.Kind);
                WriteStrings(w, "verbs"u8, sub.Verbs);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        w.WriteEndObject();
    }

    private static void WriteKind(Utf8JsonWriter w, ReadOnlySpan<byte> name, string group, string version, string kind)
    {
        w.WriteStartObject(name);
        w.WriteString("group"u8, group);
        w.WriteString("version"u8, version);
        w.WriteString("kind"u8, kind);
        w.WriteEndObject();
    }

    private static void WriteStrings(Utf8JsonWriter w, ReadOnlySpan<byte> name, IReadOnlyList<string> values)
    {
        w.WriteStartArray(name);
        foreach (var value in values)
            w.WriteStringValue(value);
        w.WriteEndArray();
    }

    private static byte[] Write(Action<Utf8JsonWriter> body)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            body(w);
            w.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }
}
