using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Drover.Cli.Explain;

/// <summary>
/// The few rules of Go's text/template that kubectl's explain template leans on, over a parsed OpenAPI document:
/// what counts as true (`if`, `with`, `or`), a map lookup that yields nothing for a missing key, `$ref` resolution as
/// its `resolveRef` (fragment-only references, walked through objects) and how a value prints (`{{ . }}`).
/// </summary>
internal static class TemplateValues
{
    /// <summary>Go template truth: not missing, not null, not false, not 0, not "", not an empty array or object.</summary>
    public static bool Truthy(JsonElement? value)
    {
        if (value is not { } v)
            return false;
        return v.ValueKind switch
        {
            JsonValueKind.Object => v.EnumerateObject().Any(),
            JsonValueKind.Array => v.GetArrayLength() > 0,
            JsonValueKind.String => v.GetString()!.Length > 0,
            JsonValueKind.Number => v.GetDouble() != 0,
            JsonValueKind.True => true,
            _ => false,
        };
    }

    /// <summary>The member <paramref name="name"/> of an object; nothing for a missing member or a value that is not an object.</summary>
    public static JsonElement? Member(JsonElement? value, string name) =>
        value is { ValueKind: JsonValueKind.Object } v && v.TryGetProperty(name, out var member) ? member : null;

    /// <summary>An object-valued member when true (a sub-schema such as items or additionalProperties); nothing otherwise, so `true` is no schema.</summary>
    public static JsonElement? Schema(JsonElement? value, string name) =>
        Member(value, name) is { ValueKind: JsonValueKind.Object } schema && Truthy(schema) ? schema : null;

    /// <summary>A string member, or null when it is missing or not a string.</summary>
    public static string? Text(JsonElement? value, string name) =>
        Member(value, name) is { ValueKind: JsonValueKind.String } s ? s.GetString() : null;

    /// <summary>The elements of an array member; none when it is missing or not an array.</summary>
    public static IEnumerable<JsonElement> Elements(JsonElement? value, string name) =>
        Member(value, name) is { ValueKind: JsonValueKind.Array } array ? array.EnumerateArray() : [];

    /// <summary>An object's members in the order a Go template ranges over a map: by key.</summary>
    public static IEnumerable<JsonProperty> Members(JsonElement? value) =>
        value is { ValueKind: JsonValueKind.Object } v
            ? v.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal)
            : [];

    /// <summary>
    /// kubectl's `resolveRef`: "#/components/schemas/X" walked from the document's root; nothing for another form of
    /// reference (a URL), a path that leaves objects, or a value that is not a string.
    /// </summary>
    public static JsonElement? ResolveRef(JsonElement? reference, JsonElement document)
    {
        if (reference is not { ValueKind: JsonValueKind.String } r || r.GetString() is not { } text || !text.StartsWith('#'))
            return null;
        var current = document;
        foreach (var component in Uri.UnescapeDataString(text[1..]).Split('/'))
        {
            if (component.Length == 0)
                continue;
            if (current.ValueKind != JsonValueKind.Object || !current.TryGetProperty(component, out var next) || next.ValueKind != JsonValueKind.Object)
                return null;
            current = next;
        }
        return current.ValueKind == JsonValueKind.Object ? current : null;
    }

    /// <summary>reflect.DeepEqual of two decoded JSON values (numbers as float64, as encoding/json decodes them).</summary>
    public static bool DeepEquals(JsonElement a, JsonElement b)
    {
        if (a.ValueKind != b.ValueKind)
            return false;
        switch (a.ValueKind)
        {
            case JsonValueKind.Object:
                var members = a.EnumerateObject().ToList();
                if (members.Count != b.EnumerateObject().Count())
                    return false;
                return members.All(m => b.TryGetProperty(m.Name, out var other) && DeepEquals(m.Value, other));
            case JsonValueKind.Array:
                return a.GetArrayLength() == b.GetArrayLength() && a.EnumerateArray().Zip(b.EnumerateArray()).All(p => DeepEquals(p.First, p.Second));
            case JsonValueKind.String:
                return a.GetString() == b.GetString();
            case JsonValueKind.Number:
                return a.GetDouble() == b.GetDouble();
            default:
                return true;
        }
    }

    /// <summary>How `{{ . }}` prints a decoded JSON value: strings as they are, float64 as %v, maps as map[k:v ...], a missing value as &lt;no value&gt;.</summary>
    public static string Print(JsonElement? value)
    {
        if (value is not { } v)
            return "<no value>";
        return v.ValueKind switch
        {
            JsonValueKind.String => v.GetString()!,
            JsonValueKind.Number => GoFloat(v.GetDouble()),
            JsonValueKind.True => "true",
            JsonValueKind.False => "false",
            JsonValueKind.Null => "<nil>",
            JsonValueKind.Array => "[" + string.Join(' ', v.EnumerateArray().Select(e => Print(e))) + "]",
            _ => "map[" + string.Join(' ', Members(v).Select(m => m.Name + ":" + Print(m.Value))) + "]",
        };
    }

    /// <summary>Go's %v of a float64 (strconv's 'g', shortest): the shortest digits, in exponent form (1e+06) when the exponent is below -4 or at least 6.</summary>
    private static string GoFloat(double value)
    {
        if (double.IsNaN(value))
            return "NaN";
        if (double.IsInfinity(value))
            return value > 0 ? "+Inf" : "-Inf";
        if (value == 0)
            return double.IsNegative(value) ? "-0" : "0";
        // "R" gives the shortest digits that round-trip (as Go's); "E16" the decimal exponent. The point is placed here.
        var r = Math.Abs(value).ToString("E16", CultureInfo.InvariantCulture);
        var shortest = Math.Abs(value).ToString("R", CultureInfo.InvariantCulture);
        var exponent = int.Parse(r[(r.IndexOf('E', StringComparison.Ordinal) + 1)..], CultureInfo.InvariantCulture);
        var digits = new StringBuilder();
        foreach (var c in shortest)
        {
            if (c == 'E')
                break;
            if (char.IsAsciiDigit(c))
                digits.Append(c);
        }
        var d = digits.ToString().TrimStart('0').TrimEnd('0');
        if (d.Length == 0)
            d = "0";
        var sign = value < 0 ? "-" : "";
        if (exponent < -4 || exponent >= 6)
        {
            var mantissa = d.Length == 1 ? d : d[0] + "." + d[1..];
            return $"{sign}{mantissa}e{(exponent < 0 ? '-' : '+')}{Math.Abs(exponent):00}";
        }
        if (exponent < 0)
            return sign + "0." + new string('0', -exponent - 1) + d;
        return d.Length <= exponent + 1
            ? sign + d + new string('0', exponent + 1 - d.Length)
            : sign + d[..(exponent + 1)] + "." + d[(exponent + 1)..];
    }
}
