using System.Text.Json;
using Drover.Cli.Output;
using Drover.Cli.Output.JsonPath;

namespace Drover.Cli.Wait;

/// <summary>
/// What `wait --for=` waits for, as kubectl spells it: `delete`, `create`, `condition=Available` (status "True"),
/// `condition=Ready=false` (another status), `jsonpath={.status.phase}=Running`, or `jsonpath={.x}` (present at all).
/// </summary>
internal abstract record WaitCondition
{
    public const int MaxLength = 1024;

    /// <summary>Whether the object (null: it does not exist) meets the condition.</summary>
    public abstract bool IsMet(JsonElement? obj);

    /// <summary>Whether a missing object is an error (kubectl's NotFound) rather than something to wait for.</summary>
    public virtual bool NeedsObject => true;

    public static WaitCondition Parse(string? text)
    {
        if (string.IsNullOrEmpty(text))
            throw new CliException("error: --for must be given: delete, create, condition=NAME[=VALUE] or jsonpath=TEMPLATE[=VALUE]");
        if (text.Length > MaxLength)
            throw new CliException($"error: --for is {text.Length} characters long; at most {MaxLength} are allowed");
        if (text.Equals("delete", StringComparison.OrdinalIgnoreCase))
            return new Deleted();
        if (text.Equals("create", StringComparison.OrdinalIgnoreCase))
            return new Created();
        if (text.StartsWith("condition=", StringComparison.OrdinalIgnoreCase))
        {
            var spec = text["condition=".Length..];
            var equals = spec.IndexOf('=', StringComparison.Ordinal);
            var (name, value) = equals < 0 ? (spec, "True") : (spec[..equals], spec[(equals + 1)..]);
            if (name.Length == 0)
                throw new CliException($"error: unrecognized condition: \"{text}\": give condition=NAME, e.g. condition=Available");
            return new HasCondition(name, value);
        }
        if (text.StartsWith("jsonpath=", StringComparison.OrdinalIgnoreCase))
            return JsonPathMatches.Parse(text, text["jsonpath=".Length..]);
        throw new CliException($"error: unrecognized condition: \"{text}\"");
    }

    private sealed record Deleted : WaitCondition
    {
        public override bool IsMet(JsonElement? obj) => obj is null;

        public override bool NeedsObject => false;
    }

    private sealed record Created : WaitCondition
    {
        public override bool IsMet(JsonElement? obj) => obj is not null;

        public override bool NeedsObject => false;
    }

    /// <summary>An entry of status.conditions with this type (any case, as kubectl compares) and status.</summary>
    private sealed record HasCondition(string Name, string Value) : WaitCondition
    {
        public override bool IsMet(JsonElement? obj) =>
            obj is { } o
            && o.TryGetProperty("status", out var status) && status.ValueKind == JsonValueKind.Object
            && status.TryGetProperty("conditions", out var conditions) && conditions.ValueKind == JsonValueKind.Array
            && conditions.EnumerateArray().Any(c =>
                c.ValueKind == JsonValueKind.Object
                && c.TryGetProperty("type", out var type) && string.Equals(type.GetString(), Name, StringComparison.OrdinalIgnoreCase)
                && c.TryGetProperty("status", out var value) && string.Equals(value.GetString(), Value, StringComparison.OrdinalIgnoreCase));
    }

    private sealed record JsonPathMatches(JsonPathExpression Path, string? Value) : WaitCondition
    {
        public static JsonPathMatches Parse(string text, string spec)
        {
            // The value follows the template's closing brace: {.status.phase}=Running; quotes around either are the shell's.
            spec = spec.Trim('\'', '"');
            var close = spec.StartsWith('{') ? spec.IndexOf('}', StringComparison.Ordinal) : -1;
            var equals = close >= 0 ? spec.IndexOf('=', close) : spec.IndexOf('=', StringComparison.Ordinal);
            var (path, value) = equals < 0 ? (spec, null) : (spec[..equals].Trim('\'', '"'), spec[(equals + 1)..].Trim('\'', '"'));
            if (path.Length == 0)
                throw new CliException($"error: unrecognized condition: \"{text}\": give jsonpath={{.status.phase}}=Running");
            return new JsonPathMatches(OutputFormats.RelaxedPath(path), value);
        }

        public override bool IsMet(JsonElement? obj)
        {
            if (obj is not { } o)
                return false;
            var values = JsonPathEvaluator.Evaluate(Path, o, o);
            return Value is null
                ? values.Count > 0
                : values.Count > 0 && values.All(v => JsonPathEvaluator.Text(v) == Value);
        }
    }
}
