using System.Text;

namespace Drover.ControlPlane.Api;

/// <summary>
/// An RFC 7234 <c>Warning</c> header as the Kubernetes API server writes it (<c>299 - "text"</c>), which kubectl and
/// client-go print as "Warning: text". The text comes from user input (a field name), so it is cut to a bounded length
/// and anything but printable ASCII is escaped: Kestrel refuses other header bytes, and that must not become a 500.
/// </summary>
public static class WarningHeader
{
    /// <summary>Kubernetes truncates one warning to 4 KiB too.</summary>
    public const int MaxTextLength = 4 * 1024;

    public static string Format(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var sb = new StringBuilder("299 - \"", text.Length + 16);
        foreach (var rune in text.EnumerateRunes())
        {
            if (sb.Length >= MaxTextLength)
            {
                sb.Append("...");
                break;
            }
            if (rune.Value is '"' or '\\')
                sb.Append('\\').Append((char)rune.Value);
            else if (rune.Value is >= 0x20 and < 0x7f)
                sb.Append((char)rune.Value);
            else
                sb.Append(rune.Value <= 0xffff ? $"\\u{rune.Value:x4}" : $"\\U{rune.Value:x8}");
        }
        return sb.Append('"').ToString();
    }

    /// <summary>Adds a warning once (a patch retried after a conflict decodes its body again).</summary>
    public static void Add(HttpResponse response, string text)
    {
        ArgumentNullException.ThrowIfNull(response);
        var value = Format(text);
        if (!response.Headers["Warning"].Contains(value))
            response.Headers.Append("Warning", value);
    }
}
