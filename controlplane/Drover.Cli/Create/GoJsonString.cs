using System.Text;

namespace Drover.Cli.Create;

/// <summary>
/// A JSON string as Go's encoding/json writes it (json.Marshal, HTML escaping on): kubectl builds a .dockerconfigjson
/// with it, and a Secret made by drover must hold the same bytes. Go escapes '"', '\\', the control characters (\b, \f,
/// \n, \r, \t by name since Go 1.22, the rest as \u00XX), '&lt;', '&gt;', '&amp;', U+2028 and U+2029, and keeps every other
/// character as UTF-8 (System.Text.Json's encoders escape far more).
/// </summary>
internal static class GoJsonString
{
    public static void Append(StringBuilder json, string value)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(value);
        json.Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"': json.Append("\\\""); break;
                case '\\': json.Append("\\\\"); break;
                case '\b': json.Append("\\b"); break;
                case '\f': json.Append("\\f"); break;
                case '\n': json.Append("\\n"); break;
                case '\r': json.Append("\\r"); break;
                case '\t': json.Append("\\t"); break;
                case < ' ' or '<' or '>' or '&' or '\u2028' or '\u2029':
                    json.Append("\\u").Append(((int)c).ToString("x4", System.Globalization.CultureInfo.InvariantCulture));
                    break;
                default: json.Append(c); break;
            }
        }
        json.Append('"');
    }
}
