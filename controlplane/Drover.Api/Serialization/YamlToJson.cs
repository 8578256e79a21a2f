using YamlDotNet.Core;

namespace Drover.Api;

/// <summary>
/// Turns YAML manifests into JSON so that one strict, source-generated decoder reads both formats.
/// Plain scalars are typed by the YAML 1.2 core schema — null, true/false, integers, floats, else strings —
/// so `replicas: 3` is a number and `"3"` stays a string, as kubectl's conversion does (minus YAML 1.1's
/// yes/no booleans). Reads YAMLDotNet's event parser, never its node model, so nesting, aliases, node
/// count and sizes are bounded by <see cref="InputLimits"/> while the text is read (see <see cref="YamlEventConverter"/>).
/// </summary>
public static class YamlToJson
{
    public static IReadOnlyList<ManifestDocument> ConvertDocuments(string yaml)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        return Convert(yaml, maxObjects: int.MaxValue);
    }

    /// <summary>A single-document body (an API request in YAML); stops reading at a second object.</summary>
    public static byte[] ConvertSingle(string yaml)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        var documents = Convert(yaml, maxObjects: 2);
        return documents.Count switch
        {
            1 => documents[0].Json,
            0 => throw new ManifestException("the body holds no object"),
            _ => throw new ManifestException("the body holds more than one document; send one object per request"),
        };
    }

    private static List<ManifestDocument> Convert(string yaml, int maxObjects)
    {
        using var reader = new StringReader(yaml);
        var parser = new Parser(reader);
        try
        {
            return new YamlEventConverter(parser).ConvertStream(maxObjects);
        }
        catch (YamlException e)
        {
            throw new ManifestException($"invalid YAML at line {e.Start.Line}, column {e.Start.Column}: {Innermost(e).Message}", null, e.Start.Line, e.Start.Column, e);
        }
        catch (InvalidOperationException e)
        {
            // YamlDotNet throws this, without a position, for some unterminated flow collections ("replicas: [3").
            var mark = parser.Current?.End ?? Mark.Empty;
            throw new ManifestException($"invalid YAML near line {mark.Line}, column {mark.Column}: malformed flow collection", null, mark.Line, mark.Column, e);
        }
    }

    private static Exception Innermost(Exception e) => e.InnerException is YamlException inner ? Innermost(inner) : e;
}
