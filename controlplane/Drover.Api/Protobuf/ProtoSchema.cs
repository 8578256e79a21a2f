using System.Collections.Frozen;
using System.Text;

namespace Drover.Api.Protobuf;

/// <summary>
/// The messages of <see cref="KubernetesProtoFields.Table"/>, parsed once: for each message key (<c>apps/v1.Deployment</c>)
/// its fields by number. The table is the project's own (generated); a line it cannot read is a bug, not input.
/// </summary>
internal sealed class ProtoSchema
{
    private readonly FrozenDictionary<string, ProtoMessage> _messages;

    private ProtoSchema(FrozenDictionary<string, ProtoMessage> messages) => _messages = messages;

    public static ProtoSchema Kubernetes { get; } = Parse(Encoding.UTF8.GetString(KubernetesProtoFields.Table));

    public ProtoMessage? Find(string key) => _messages.GetValueOrDefault(key);

    public ProtoMessage Get(string key) =>
        _messages.TryGetValue(key, out var message) ? message : throw new InvalidOperationException($"the protobuf table has no message {key}");

    /// <summary>The message of a kind by its apiVersion (<c>v1</c>, <c>apps/v1</c>, <c>networking.k8s.io/v1</c>) and kind.</summary>
    public ProtoMessage? FindKind(string apiVersion, string kind)
    {
        ArgumentNullException.ThrowIfNull(apiVersion);
        var slash = apiVersion.IndexOf('/', StringComparison.Ordinal);
        var package = slash < 0 ? "core/" + apiVersion : $"{apiVersion[..slash].Split('.')[0]}/{apiVersion[(slash + 1)..]}";
        return Find(package + "." + kind);
    }

    public static ProtoSchema Parse(string table)
    {
        ArgumentNullException.ThrowIfNull(table);
        var messages = new Dictionary<string, ProtoMessage>(StringComparer.Ordinal);
        foreach (var line in table.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var tokens = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var fields = new Dictionary<int, ProtoField>();
            foreach (var token in tokens.Skip(1))
            {
                var field = ProtoField.Parse(token);
                fields[field.Number] = field;
            }
            messages[tokens[0]] = new ProtoMessage(tokens[0], fields.ToFrozenDictionary());
        }
        return new ProtoSchema(messages.ToFrozenDictionary(StringComparer.Ordinal));
    }
}
