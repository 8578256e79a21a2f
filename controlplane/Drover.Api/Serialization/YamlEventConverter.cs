using System.Buffers;
using System.Globalization;
using System.Text.Json;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Drover.Api;

/// <summary>
/// YAML events in, JSON out, one event at a time with an explicit stack: no recursion, so a document nested
/// 100,000 deep costs a refusal at level <see cref="InputLimits.MaxDepth"/>, not the stack. Every limit is
/// checked as its event arrives — depth, node count (alias expansions included), alias count, expanded
/// size (billion laughs), key and string length, documents — and named in the refusal with the position.
/// An anchored node is remembered as the range of JSON it produced; an alias replays that range, so its
/// cost is counted in bytes and nodes exactly as if it had been written out.
/// </summary>
internal sealed class YamlEventConverter
{
    private static readonly JsonWriterOptions WriterOptions = new() { MaxDepth = InputLimits.MaxDepth + 1 };

    private readonly IParser _parser;
    private readonly ArrayBufferWriter<byte> _buffer = new(1024);
    private readonly List<Frame> _frames = [];
    private readonly Dictionary<string, Anchored> _anchors = new(StringComparer.Ordinal);
    private Utf8JsonWriter? _writer;
    private int _nodes;
    private int _aliases;
    private long _streamBytes;

    public YamlEventConverter(IParser parser)
    {
        ArgumentNullException.ThrowIfNull(parser);
        _parser = parser;
    }

    /// <summary>Every non-empty document, up to <paramref name="maxObjects"/> (reading stops there).</summary>
    public List<ManifestDocument> ConvertStream(int maxObjects)
    {
        var documents = new List<ManifestDocument>();
        if (Next() is not StreamStart)
            throw new ManifestException("invalid YAML: no stream start");
        var count = 0;
        while (Next() is DocumentStart start)
        {
            if (++count > InputLimits.MaxDocuments)
                throw Limit(start, nameof(InputLimits.MaxDocuments), "the number of documents", InputLimits.MaxDocuments);
            var document = ConvertDocument(documents.Count);
            if (document is null)
                continue;
            documents.Add(document);
            if (documents.Count >= maxObjects)
                break;
        }
        return documents;
    }

    private ManifestDocument? ConvertDocument(int index)
    {
        _buffer.ResetWrittenCount();
        _frames.Clear();
        _anchors.Clear();
        _nodes = 0;
        _aliases = 0;
        var ev = Next();
        if (ev is Scalar root && YamlScalars.IsEmptyPlain(root))
        {
            ExpectDocumentEnd();
            return null;
        }
        var line = ev.Start.Line;
        using (_writer = new Utf8JsonWriter(_buffer, WriterOptions))
        {
            while (true)
            {
                Handle(ev);
                if (_frames.Count == 0)
                    break;
                ev = Next();
            }
        }
        _writer = null;
        ExpectDocumentEnd();
        _streamBytes += _buffer.WrittenCount;
        if (_streamBytes > InputLimits.MaxManifestFileBytes)
            throw Limit(ev, nameof(InputLimits.MaxManifestFileBytes), "the JSON of all documents, aliases expanded,", InputLimits.MaxManifestFileBytes, tooLarge: true);
        return new ManifestDocument(index, line, _buffer.WrittenSpan.ToArray());
    }

    private Utf8JsonWriter Writer => _writer!;

    private void Handle(ParsingEvent ev)
    {
        switch (ev)
        {
            case Scalar scalar:
                WriteScalar(scalar);
                break;
            case AnchorAlias alias:
                WriteAlias(alias);
                break;
            case MappingStart mapping:
                Open(ev, isMapping: true, mapping.Anchor);
                break;
            case SequenceStart sequence:
                Open(ev, isMapping: false, sequence.Anchor);
                break;
            case MappingEnd or SequenceEnd:
                Close();
                break;
            default:
                throw At(ev, $"unexpected YAML {ev.GetType().Name}");
        }
    }

    private bool InKeyPosition => _frames.Count > 0 && _frames[^1] is { IsMapping: true, ExpectKey: true };

    private void WriteScalar(Scalar scalar)
    {
        var value = scalar.Value ?? "";
        CountNodes(scalar, 1);
        if (!scalar.Anchor.IsEmpty)
            _anchors[scalar.Anchor.Value] = new Anchored(scalar, 0, 0, 1, 0);
        if (InKeyPosition)
        {
            WriteKey(scalar, value);
            return;
        }
        CheckString(scalar, value, nameof(InputLimits.MaxStringLength), "a string", InputLimits.MaxStringLength);
        YamlScalars.Write(Writer, scalar);
        ValueWritten(scalar, height: 0);
    }

    private void WriteKey(ParsingEvent ev, string name)
    {
        CheckString(ev, name, nameof(InputLimits.MaxKeyLength), "a mapping key", InputLimits.MaxKeyLength);
        var frame = _frames[^1];
        frame.Keys ??= new HashSet<string>(StringComparer.Ordinal);
        if (!frame.Keys.Add(name))
            throw At(ev, $"duplicate key \"{Shorten(name)}\"");
        Writer.WritePropertyName(name);
        frame.ExpectKey = false;
    }

    private void WriteAlias(AnchorAlias alias)
    {
        var name = alias.Value.Value;
        if (_frames.Exists(f => f.Anchor == name))
            throw At(alias, $"alias *{Shorten(name)} refers to a node that contains it (recursive aliases are not supported)");
        if (!_anchors.TryGetValue(name, out var anchored))
            throw At(alias, $"alias *{Shorten(name)} refers to no anchor &{Shorten(name)} before it");
        if (++_aliases > InputLimits.MaxAliases)
            throw Limit(alias, nameof(InputLimits.MaxAliases), "the number of aliases", InputLimits.MaxAliases);
        CountNodes(alias, anchored.Nodes);
        if (InKeyPosition)
        {
            if (anchored.Scalar is null)
                throw At(alias, "mapping keys must be strings");
            WriteKey(alias, anchored.Scalar.Value ?? "");
            return;
        }
        if (_frames.Count + anchored.Height > InputLimits.MaxDepth)
            throw Limit(alias, nameof(InputLimits.MaxDepth), "the nesting depth (the alias expanded)", InputLimits.MaxDepth);
        if (anchored.Scalar is not null)
        {
            YamlScalars.Write(Writer, anchored.Scalar);
        }
        else
        {
            if (Writer.BytesCommitted + Writer.BytesPending + anchored.Length > InputLimits.MaxObjectBytes)
                throw ExpandedTooLarge(alias);
            Writer.WriteRawValue(_buffer.WrittenSpan.Slice(anchored.Start, anchored.Length).ToArray(), skipInputValidation: true);
        }
        ValueWritten(alias, anchored.Height);
    }

    private void Open(ParsingEvent ev, bool isMapping, AnchorName anchor)
    {
        if (InKeyPosition)
            throw At(ev, "mapping keys must be strings");
        CountNodes(ev, 1);
        if (_frames.Count + 1 > InputLimits.MaxDepth)
            throw Limit(ev, nameof(InputLimits.MaxDepth), "the nesting depth", InputLimits.MaxDepth);
        if (isMapping)
            Writer.WriteStartObject();
        else
            Writer.WriteStartArray();
        var frame = new Frame { IsMapping = isMapping, ExpectKey = isMapping, NodesAtStart = _nodes };
        if (!anchor.IsEmpty)
        {
            // The opening bracket just written is the first byte of the anchored node's JSON.
            Writer.Flush();
            frame.Anchor = anchor.Value;
            frame.Start = _buffer.WrittenCount - 1;
            _anchors.Remove(anchor.Value);
        }
        _frames.Add(frame);
    }

    private void Close()
    {
        var frame = _frames[^1];
        _frames.RemoveAt(_frames.Count - 1);
        if (frame.IsMapping)
            Writer.WriteEndObject();
        else
            Writer.WriteEndArray();
        var height = frame.Height + 1;
        if (frame.Anchor is not null)
        {
            Writer.Flush();
            _anchors[frame.Anchor] = new Anchored(null, frame.Start, _buffer.WrittenCount - frame.Start, _nodes - frame.NodesAtStart + 1, height);
        }
        ValueWritten(_parser.Current!, height);
    }

    /// <summary>A value is complete: the enclosing mapping expects a key again; the size so far is checked.</summary>
    private void ValueWritten(ParsingEvent ev, int height)
    {
        if (Writer.BytesCommitted + Writer.BytesPending > InputLimits.MaxObjectBytes)
            throw ExpandedTooLarge(ev);
        if (_frames.Count == 0)
            return;
        var parent = _frames[^1];
        parent.Height = Math.Max(parent.Height, height);
        if (parent.IsMapping)
            parent.ExpectKey = true;
    }

    private void CountNodes(ParsingEvent ev, int count)
    {
        _nodes += count;
        if (_nodes > InputLimits.MaxNodes)
            throw Limit(ev, nameof(InputLimits.MaxNodes), "the number of nodes (aliases expanded)", InputLimits.MaxNodes);
    }

    private static void CheckString(ParsingEvent ev, string value, string limit, string what, int max)
    {
        if (value.Length > max)
            throw Limit(ev, limit, $"the length of {what}", max);
        // A lone surrogate (from a "\ud800" escape) has no UTF-8 form: refuse it here, named, not as a writer failure.
        if (value.AsSpan().IndexOfAnyInRange('\uD800', '\uDFFF') >= 0 && HasLoneSurrogate(value))
            throw At(ev, $"{what} holds an invalid character (a lone UTF-16 surrogate)");
    }

    private static bool HasLoneSurrogate(string value)
    {
        for (var i = 0; i < value.Length; i++)
        {
            if (char.IsHighSurrogate(value[i]) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
                i++;
            else if (char.IsSurrogate(value[i]))
                return true;
        }
        return false;
    }

    private ParsingEvent Next()
    {
        if (!_parser.MoveNext() || _parser.Current is null)
            throw new ManifestException("invalid YAML: the stream ends early");
        return _parser.Current;
    }

    private void ExpectDocumentEnd()
    {
        var ev = Next();
        if (ev is not DocumentEnd)
            throw At(ev, "expected the end of the document");
    }

    private static ManifestException ExpandedTooLarge(ParsingEvent ev) =>
        Limit(ev, nameof(InputLimits.MaxObjectBytes), "the document as JSON, aliases expanded,", InputLimits.MaxObjectBytes, tooLarge: true);

    private static ManifestException Limit(ParsingEvent ev, string limit, string what, long max, bool tooLarge = false) =>
        ManifestException.LimitExceeded(limit,
            $"line {ev.Start.Line}, column {ev.Start.Column}: {what} exceeds the limit {limit} = {max.ToString("N0", CultureInfo.InvariantCulture)}",
            ev.Start.Line, ev.Start.Column, tooLarge);

    private static ManifestException At(ParsingEvent ev, string what) =>
        new($"line {ev.Start.Line}, column {ev.Start.Column}: {what}", null, ev.Start.Line, ev.Start.Column);

    private static string Shorten(string text) => text.Length <= 64 ? text : text[..64] + "…";

    /// <summary>An open map or list.</summary>
    private sealed class Frame
    {
        public bool IsMapping { get; init; }
        public bool ExpectKey { get; set; }
        public HashSet<string>? Keys { get; set; }
        public string? Anchor { get; set; }
        public int Start { get; set; }
        public int NodesAtStart { get; init; }

        /// <summary>Levels of maps and lists below this one so far.</summary>
        public int Height { get; set; }
    }

    /// <summary>An anchored node: a scalar event, or the range of the JSON buffer its map or list produced.</summary>
    private sealed record Anchored(Scalar? Scalar, int Start, int Length, int Nodes, int Height);
}
