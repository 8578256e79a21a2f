using System.Globalization;
using Drover.Api;

namespace Drover.Cli.Top;

/// <summary>kubectl top's units: cpu in millicores ("250m"), memory in mebibytes ("64Mi"), shares in whole percent.</summary>
internal static class TopTable
{
    public static string Cpu(Quantity? usage) => usage is { } q ? q.MilliValue.ToString(CultureInfo.InvariantCulture) + "m" : "<unknown>";

    public static string Memory(Quantity? usage) => usage is { } q ? (q.Value / (1024 * 1024)).ToString(CultureInfo.InvariantCulture) + "Mi" : "<unknown>";

    /// <summary>Usage as a share of allocatable (what kubectl top node divides by).</summary>
    public static string Percent(Quantity? usage, Quantity? allocatable, bool milli)
    {
        if (usage is not { } used || allocatable is not { } total)
            return "<unknown>";
        var denominator = milli ? total.MilliValue : total.Value;
        if (denominator <= 0)
            return "<unknown>";
        var numerator = milli ? used.MilliValue : used.Value;
        return (numerator * 100 / denominator).ToString(CultureInfo.InvariantCulture) + "%";
    }

    public static Quantity? Usage(Dictionary<string, Quantity> usage, string resource) =>
        usage.TryGetValue(resource, out var q) ? q : null;
}
