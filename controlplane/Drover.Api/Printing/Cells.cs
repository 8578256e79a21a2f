using System.Globalization;
using Drover.Api;

namespace Drover.Api.Printing;

/// <summary>Small renderers shared by tables and describe, in kubectl's spellings (&lt;none&gt;, k=v,k2=v2).</summary>
public static class Cells
{
    public const string None = "<none>";

    public static string Int(int? value) => (value ?? 0).ToString(CultureInfo.InvariantCulture);

    public static string Int(int value) => value.ToString(CultureInfo.InvariantCulture);

    public static string OrNone(string? value) => string.IsNullOrEmpty(value) ? None : value;

    /// <summary>"a=1,b=2" sorted by key, as labels.FormatLabels prints a map.</summary>
    public static string Labels(IReadOnlyDictionary<string, string>? labels) =>
        labels is not { Count: > 0 } ? None : string.Join(",", labels.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Key + "=" + p.Value));

    /// <summary>metav1.FormatLabelSelector: "&lt;none&gt;" for an empty selector.</summary>
    public static string Selector(LabelSelector? selector)
    {
        if (selector is null)
            return None;
        try
        {
            var text = Drover.Api.Selector.FromLabelSelector(selector).ToString();
            return text.Length == 0 ? None : text;
        }
        catch (FormatException)
        {
            // A selector the server would reject anyway; show what is there rather than fail the listing.
            return Labels(selector.MatchLabels);
        }
    }

    public static string Join(IEnumerable<string?> values)
    {
        var text = string.Join(",", values.Where(v => !string.IsNullOrEmpty(v)));
        return text.Length == 0 ? None : text;
    }
}
