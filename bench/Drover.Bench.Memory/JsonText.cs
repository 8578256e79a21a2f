using System.Globalization;

namespace Drover.Bench.Memory;

/// <summary>JSON bodies from a template: @0@, @1@ … replaced by the values (names and letters only: nothing to escape).</summary>
internal static class JsonText
{
    public static string Fill(string template, params object[] values)
    {
        for (var i = 0; i < values.Length; i++)
            template = template.Replace("@" + i.ToString(CultureInfo.InvariantCulture) + "@", Convert.ToString(values[i], CultureInfo.InvariantCulture), StringComparison.Ordinal);
        return template;
    }
}
