using System.Globalization;

namespace Drover.ControlPlane.Registry.Allocation;

/// <summary>The node port range (<c>--service-node-port-range</c>, 30000-32767 by default) as offsets from its first port.</summary>
internal sealed record NodePortRange(int First, int Last)
{
    public int Size => Last - First + 1;

    public override string ToString() => $"{First.ToString(CultureInfo.InvariantCulture)}-{Last.ToString(CultureInfo.InvariantCulture)}";

    public static NodePortRange Parse(string range)
    {
        ArgumentNullException.ThrowIfNull(range);
        var dash = range.IndexOf('-', StringComparison.Ordinal);
        if (dash < 0
            || !int.TryParse(range.AsSpan(0, dash), NumberStyles.None, CultureInfo.InvariantCulture, out var first)
            || !int.TryParse(range.AsSpan(dash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var last)
            || first < 1 || last > 65535 || last < first)
            throw new ArgumentException($"--service-node-port-range \"{range}\" is not a port range such as 30000-32767");
        return new NodePortRange(first, last);
    }

    public int OffsetOf(int port) => port >= First && port <= Last ? port - First : -1;
}
