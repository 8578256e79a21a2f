using Drover.Api;

namespace Drover.ControlPlane.Auth;

/// <summary>A node name from outside the Kubernetes API (join, credential paths) held to the Node's own name rules.</summary>
internal static class NodeNameCheck
{
    /// <summary>Throws a 400 naming <paramref name="field"/> when <paramref name="name"/> could not be a Node's name.</summary>
    public static void ThrowIfInvalid(string name, string field)
    {
        var probe = new Node { ApiVersion = "v1", Kind = "Node", Metadata = new ObjectMeta { Name = name } };
        var errors = ObjectValidator.Validate(probe).Where(e => e.Field.StartsWith("metadata.name", StringComparison.Ordinal)).ToList();
        if (errors.Count > 0)
            throw new ApiException(ApiErrors.BadRequest($"{field}: " + string.Join("; ", errors.Select(e => e.ToString()))));
    }
}
