using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Drover.Agent.Network;

/// <summary>
/// The node's CNI network (packaging/cni/10-drover.conflist.template, written by code): a bridge with
/// host-local IPAM over the node's podCIDR, portmap for hostPorts, loopback. containerd's CRI plugin
/// loads the first conflist of its conf_dir, and reports NetworkReady once it has one.
/// </summary>
internal static class CniConfig
{
    public const string FileName = "10-drover.conflist";

    /// <summary>The plugins the conflist names; Ready is False while one is missing from the bin dir.</summary>
    public static readonly IReadOnlyList<string> Plugins = ["bridge", "host-local", "portmap", "loopback"];

    /// <summary>
    /// The conflist for <paramref name="podCidr"/>. The network is named after the bridge, so libcni's
    /// cached results (/var/lib/cni/results/NETWORK-…) are recognisable per node. <paramref name="mtu"/>, when given,
    /// is the bridge's and the pods' interfaces' (vxlan: the node's MTU less the encapsulation).
    /// </summary>
    public static string Render(string podCidr, string bridge, string ipamDataDirectory, bool ipMasq, int? mtu = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(podCidr);
        ArgumentException.ThrowIfNullOrEmpty(bridge);
        ArgumentException.ThrowIfNullOrEmpty(ipamDataDirectory);
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            writer.WriteString("cniVersion", "1.0.0");
            writer.WriteString("name", bridge);
            writer.WriteStartArray("plugins");

            writer.WriteStartObject();
            writer.WriteString("type", "bridge");
            writer.WriteString("bridge", bridge);
            writer.WriteBoolean("isGateway", true);
            writer.WriteBoolean("ipMasq", ipMasq);
            writer.WriteBoolean("hairpinMode", true);
            if (mtu is { } value)
                writer.WriteNumber("mtu", value);
            writer.WriteStartObject("ipam");
            writer.WriteString("type", "host-local");
            writer.WriteString("dataDir", ipamDataDirectory);
            writer.WriteStartArray("ranges");
            writer.WriteStartArray();
            writer.WriteStartObject();
            writer.WriteString("subnet", podCidr);
            writer.WriteEndObject();
            writer.WriteEndArray();
            writer.WriteEndArray();
            writer.WriteStartArray("routes");
            writer.WriteStartObject();
            writer.WriteString("dst", "0.0.0.0/0");
            writer.WriteEndObject();
            writer.WriteEndArray();
            writer.WriteEndObject();
            writer.WriteEndObject();

            writer.WriteStartObject();
            writer.WriteString("type", "portmap");
            writer.WriteStartObject("capabilities");
            writer.WriteBoolean("portMappings", true);
            writer.WriteEndObject();
            writer.WriteEndObject();

            writer.WriteStartObject();
            writer.WriteString("type", "loopback");
            writer.WriteEndObject();

            writer.WriteEndArray();
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan) + "\n";
    }

    /// <summary>
    /// Writes the conflist into <paramref name="confDirectory"/> atomically (a reader never sees half a
    /// file) and only when its content changes; returns whether it wrote.
    /// </summary>
    public static bool Write(string confDirectory, string content)
    {
        ArgumentException.ThrowIfNullOrEmpty(confDirectory);
        ArgumentNullException.ThrowIfNull(content);
        var path = Path.Combine(confDirectory, FileName);
        if (File.Exists(path) && File.ReadAllText(path) == content)
            return false;
        Directory.CreateDirectory(confDirectory);
        // A dot-file: libcni only loads *.conf, *.conflist and *.json, so the half-written file is never read.
        var temporary = Path.Combine(confDirectory, "." + FileName + ".tmp");
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write))
        {
            stream.Write(Encoding.UTF8.GetBytes(content));
            stream.Flush(flushToDisk: true);
        }
        File.Move(temporary, path, overwrite: true);
        return true;
    }

    public static bool Exists(string confDirectory) => File.Exists(Path.Combine(confDirectory, FileName));

    /// <summary>Plugins of the conflist that are not executable files in <paramref name="binDirectory"/>.</summary>
    public static IReadOnlyList<string> MissingPlugins(string binDirectory) =>
        Plugins.Where(p => !File.Exists(Path.Combine(binDirectory, p))).ToList();
}
