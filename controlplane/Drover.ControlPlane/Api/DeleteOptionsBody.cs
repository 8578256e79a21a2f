using System.Text.Json;
using System.Text.Json.Nodes;
using Drover.Api;

namespace Drover.ControlPlane.Api;

/// <summary>
/// The DeleteOptions a DELETE may carry as its body (kubectl and client-go send them there rather than in the query):
/// propagationPolicy, gracePeriodSeconds, dryRun and the orphanDependents of old clients. Each wins over nothing and
/// agrees with the query; an unknown field or a wrong type is a 400, as strict decoding of DeleteOptions is.
/// </summary>
internal sealed record DeleteOptionsBody(string? PropagationPolicy, long? GracePeriodSeconds, bool DryRun)
{
    public static readonly DeleteOptionsBody Empty = new(null, null, false);

    public static DeleteOptionsBody Parse(byte[]? json)
    {
        if (json is null)
            return Empty;
        JsonNode? node;
        try
        {
            node = JsonInput.ParseNode(json);
        }
        catch (ManifestException e)
        {
            throw new ApiException(ApiErrors.BadRequest("malformed DeleteOptions: " + e.Message));
        }
        if (node is not JsonObject body)
            throw new ApiException(ApiErrors.BadRequest("DeleteOptions must be a JSON object"));
        string? policy = null;
        long? grace = null;
        var dryRun = false;
        foreach (var (name, value) in body)
        {
            switch (name)
            {
                case "kind" or "apiVersion" or "preconditions":
                    break;
                case "propagationPolicy":
                    policy = value is null ? null : String(value, name);
                    break;
                case "orphanDependents":
                    if (value is JsonValue v && v.GetValueKind() is JsonValueKind.True)
                        policy ??= "Orphan";
                    break;
                case "gracePeriodSeconds":
                    grace = value is null ? null : value is JsonValue n && n.GetValueKind() == JsonValueKind.Number && n.TryGetValue<long>(out var g) && g >= 0 && g <= InputLimits.MaxGracePeriodSeconds
                        ? g
                        : throw new ApiException(ApiErrors.BadRequest($"DeleteOptions.gracePeriodSeconds: Invalid value: must be an integer from 0 to {InputLimits.MaxGracePeriodSeconds}"));
                    break;
                case "dryRun":
                    if (value is not JsonArray list || list.Count > 1 || list.Any(i => i is not JsonValue s || s.GetValueKind() != JsonValueKind.String || s.GetValue<string>() != "All"))
                        throw new ApiException(ApiErrors.BadRequest("DeleteOptions.dryRun: Unsupported value: supported values: [\"All\"]"));
                    dryRun = list.Count == 1;
                    break;
                default:
                    throw new ApiException(ApiErrors.BadRequest($"DeleteOptions: strict decoding error: unknown field \"{(name.Length <= 64 ? name : name[..64] + "…")}\""));
            }
        }
        return new DeleteOptionsBody(policy, grace, dryRun);
    }

    private static string String(JsonNode value, string name) =>
        value is JsonValue v && v.GetValueKind() == JsonValueKind.String
            ? v.GetValue<string>()
            : throw new ApiException(ApiErrors.BadRequest($"DeleteOptions.{name}: Invalid value: must be a string"));
}
