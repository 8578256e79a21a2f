using System.Text.Json;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Drover.Cli.Output;

/// <summary>
/// JSON → YAML on YamlDotNet's low-level emitter: no reflection (AOT-safe), key order kept, and every string
/// that a YAML reader would otherwise type as null, bool, number or timestamp is quoted, so the output
/// reads back (through <see cref="Drover.Api.YamlToJson"/>, kubectl, or anything YAML 1.1) as the same JSON.
/// </summary>
internal static partial class YamlWriter
{
    public static string Write(JsonElement element)
    {
        using var text = new StringWriter();
        Write(text, element);
        return text.ToString();
    }

    public static void Write(TextWriter output, JsonElement element)
    {
        ArgumentNullException.ThrowIfNull(output);
        // A huge width: long values such as last-applied-configuration stay on one line, as kubectl prints them.
        var emitter = new Emitter(output, 2, int.MaxValue, false);
        emitter.Emit(new StreamStart());
        emitter.Emit(new DocumentStart(null, null, isImplicit: true));
        WriteNode(emitter, element);
        emitter.Emit(new DocumentEnd(isImplicit: true));
        emitter.Emit(new StreamEnd());
    }

    private static void WriteNode(IEmitter emitter, JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var emptyMap = !element.EnumerateObject().Any();
                emitter.Emit(new MappingStart(AnchorName.Empty, TagName.Empty, true, emptyMap ? MappingStyle.Flow : MappingStyle.Block));
                foreach (var property in element.EnumerateObject())
                {
                    WriteString(emitter, property.Name, isKey: true);
                    WriteNode(emitter, property.Value);
                }
                emitter.Emit(new MappingEnd());
                break;
            case JsonValueKind.Array:
                var emptyList = element.GetArrayLength() == 0;
                emitter.Emit(new SequenceStart(AnchorName.Empty, TagName.Empty, true, emptyList ? SequenceStyle.Flow : SequenceStyle.Block));
                foreach (var item in element.EnumerateArray())
                    WriteNode(emitter, item);
                emitter.Emit(new SequenceEnd());
                break;
            case JsonValueKind.String:
                WriteString(emitter, element.GetString()!, isKey: false);
                break;
            case JsonValueKind.Number:
                emitter.Emit(Plain(element.GetRawText()));
                break;
            case JsonValueKind.True:
                emitter.Emit(Plain("true"));
                break;
            case JsonValueKind.False:
                emitter.Emit(Plain("false"));
                break;
            default:
                emitter.Emit(Plain("null"));
                break;
        }
    }

    private static void WriteString(IEmitter emitter, string value, bool isKey)
    {
        ScalarStyle style;
        if (!NeedsQuotes(value) && SafePlain().IsMatch(value) && !value.Contains(": ", StringComparison.Ordinal) && !value.Contains(" #", StringComparison.Ordinal) && !value.EndsWith(':'))
            style = ScalarStyle.Plain;
        else if (!isKey && value.Contains('\n', StringComparison.Ordinal) && !NeedsQuotes(value))
            // Readable multi-line values; the emitter itself falls back to double quotes when a block cannot hold the text.
            style = ScalarStyle.Literal;
        else
            // Everything else is double-quoted rather than trusting the emitter's plain-scalar analysis,
            // which a property test caught misjudging flow indicators and tabs.
            style = ScalarStyle.DoubleQuoted;
        emitter.Emit(new Scalar(AnchorName.Empty, TagName.Empty, value, style, isPlainImplicit: true, isQuotedImplicit: true));
    }

    private static Scalar Plain(string text) =>
        new(AnchorName.Empty, TagName.Empty, text, ScalarStyle.Plain, isPlainImplicit: true, isQuotedImplicit: false);

    /// <summary>True when a plain scalar with this text would not read back as this string.</summary>
    internal static bool NeedsQuotes(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        // YamlDotNet's emitter misjudges some tab-led plain scalars ("\t>" reads back as a block scalar): quote tabs and edge whitespace ourselves.
        if (value.Length == 0 || char.IsWhiteSpace(value[0]) || char.IsWhiteSpace(value[^1]) || value.Contains('\t', StringComparison.Ordinal))
            return true;
        return value switch
        {
            "~" or "null" or "Null" or "NULL" or
            "true" or "True" or "TRUE" or "false" or "False" or "FALSE" or
            // YAML 1.1 booleans: our reader keeps them as strings, kubectl's and most others do not.
            "y" or "Y" or "yes" or "Yes" or "YES" or "n" or "N" or "no" or "No" or "NO" or
            "on" or "On" or "ON" or "off" or "Off" or "OFF" or "=" or "<<" => true,
            _ => LooksTyped().IsMatch(value),
        };
    }

    // Plain-safe text: no indicator first, nothing after that starts a comment, mapping, flow collection or alias.
    [GeneratedRegex(@"^[A-Za-z0-9_/.()$^<=+][A-Za-z0-9_ ./:@()$^+=,%<>-]*$", RegexOptions.CultureInvariant)]
    private static partial Regex SafePlain();

    // Numbers (YAML 1.2 core and 1.1: 0x, 0o, 0b, leading dots, underscores, sexagesimal, inf/nan) and timestamps.
    [GeneratedRegex(@"^([-+]?(\.[0-9]|[0-9])[0-9_]*(\.[0-9_]*)?([eE][-+]?[0-9]+)?|[-+]?0[xob][0-9a-fA-F_]+|[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?|[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN)|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}([Tt ].*)?)$", RegexOptions.CultureInvariant)]
    private static partial Regex LooksTyped();
}
