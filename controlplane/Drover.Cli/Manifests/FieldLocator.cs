using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Drover.Cli.Manifests;

/// <summary>
/// Finds the YAML node a field path ("spec.template.spec.containers[0].image") names, so an error can point
/// at the line to fix rather than only at the document.
/// </summary>
internal static class FieldLocator
{
    /// <summary>The node for <paramref name="field"/> in the document starting at <paramref name="documentLine"/>, or the deepest existing ancestor.</summary>
    public static YamlNode? Find(string text, long documentLine, string field)
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
        foreach (var segment in Segments(field))
        {
            YamlNode? next = node switch
            {
                YamlMappingNode map => map.Children.FirstOrDefault(p => p.Key is YamlScalarNode { Value: var k } && k == segment).Value,
                YamlSequenceNode list when int.TryParse(segment, out var i) && i >= 0 && i < list.Children.Count => list.Children[i],
                _ => null,
            };
            if (next is null)
                break;
            node = next;
        }
        return node;
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
