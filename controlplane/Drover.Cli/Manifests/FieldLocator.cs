using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Drover.Cli.Manifests;

/// <summary>
/// Finds the YAML node a field path ("spec.template.spec.containers[0].image") names, so an error can point
/// at the line to fix rather than only at the document.
/// </summary>
internal static class FieldLocator
{
    /// <summary>
    /// The node for <paramref name="field"/> in the document starting at <paramref name="documentLine"/> (or the
    /// deepest existing ancestor) and the line to report: the key's for a map entry, where the reader looks.
    /// </summary>
    public static (YamlNode Node, long Line)? Find(string text, long documentLine, string field)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(field);
        var stream = new YamlStream();
        try
        {
            using var reader = new StringReader(text);
            stream.Load(reader);
        }
        catch (YamlException)
        {
            return null;
        }
        var document = stream.Documents.FirstOrDefault(d => d.RootNode.Start.Line == documentLine);
        if (document is null)
            return null;
        YamlNode node = document.RootNode;
        long line = node.Start.Line;
        foreach (var segment in Segments(field))
        {
            YamlNode? next = null;
            if (node is YamlMappingNode map)
            {
                var entry = map.Children.FirstOrDefault(p => p.Key is YamlScalarNode { Value: var k } && k == segment);
                next = entry.Value;
                if (next is not null)
                    line = entry.Key.Start.Line;
            }
            else if (node is YamlSequenceNode list && int.TryParse(segment, out var i) && i >= 0 && i < list.Children.Count)
            {
                next = list.Children[i];
                line = next.Start.Line;
            }
            if (next is null)
                break;
            node = next;
        }
        return (node, line);
    }

    /// <summary>"a.b[0][x.y]" → a, b, 0, x.y.</summary>
    internal static IEnumerable<string> Segments(string field)
    {
        var i = 0;
        while (i < field.Length)
        {
            if (field[i] == '.')
            {
                i++;
                continue;
            }
            if (field[i] == '[')
            {
                var end = field.IndexOf(']', i);
                if (end < 0)
                    end = field.Length;
                yield return field[(i + 1)..end];
                i = end + 1;
                continue;
            }
            var stop = field.IndexOfAny(['.', '['], i);
            if (stop < 0)
                stop = field.Length;
            yield return field[i..stop];
            i = stop;
        }
    }
}
