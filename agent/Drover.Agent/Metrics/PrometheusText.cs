using System.Globalization;
using System.Text;

namespace Drover.Agent.Metrics;

/// <summary>Pieces of the Prometheus text exposition format (0.0.4).</summary>
internal static class PrometheusText
{
    /// <summary>The # HELP and # TYPE lines of a family.</summary>
    public static void AppendHeader(StringBuilder text, string name, string help, string type)
    {
        text.Append("# HELP ").Append(name).Append(' ');
        AppendEscaped(text, help, escapeQuote: false);
        text.Append("\n# TYPE ").Append(name).Append(' ').Append(type).Append('\n');
    }

    public static void AppendEscaped(StringBuilder text, string value, bool escapeQuote)
    {
        foreach (var c in value)
        {
            _ = c switch
            {
                '\\' => text.Append("\\\\"),
                '\n' => text.Append("\\n"),
                '"' when escapeQuote => text.Append("\\\""),
                _ => text.Append(c),
            };
        }
    }

    /// <summary>A sample value as Prometheus reads it: shortest round-trip form, +Inf/-Inf/NaN spelled its way.</summary>
    public static void AppendValue(StringBuilder text, double value)
    {
        if (double.IsPositiveInfinity(value))
            text.Append("+Inf");
        else if (double.IsNegativeInfinity(value))
            text.Append("-Inf");
        else if (double.IsNaN(value))
            text.Append("NaN");
        else
            text.Append(value.ToString("R", CultureInfo.InvariantCulture));
    }

    /// <summary>One "name{labels} value" line; <paramref name="extraLabel"/> (e.g. le="0.5") goes after the child's labels.</summary>
    public static void AppendSample(StringBuilder text, string name, string labels, double value, string? extraLabel = null)
    {
        text.Append(name);
        if (labels.Length > 0 || extraLabel is not null)
        {
            text.Append('{').Append(labels);
            if (extraLabel is not null)
                text.Append(labels.Length > 0 ? "," : "").Append(extraLabel);
            text.Append('}');
        }

        text.Append(' ');
        AppendValue(text, value);
        text.Append('\n');
    }
}
