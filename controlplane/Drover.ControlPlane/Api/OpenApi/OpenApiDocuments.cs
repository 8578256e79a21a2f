using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Drover.Api;
using Drover.Api.OpenApi;

namespace Drover.ControlPlane.Api.OpenApi;

/// <summary>
/// The OpenAPI documents, built once from <see cref="ResourceTypes"/> through <see cref="OpenApiSchemas"/>:
/// /openapi/v2 (JSON, and gnostic protobuf for client-go), the /openapi/v3 index and one v3 document per group version
/// (what `kubectl explain` reads). Each PATCH path names its kind (x-kubernetes-group-version-kind) and the
/// fieldValidation parameter, so kubectl 1.32 leaves unknown-field checks to the server (strict decoding names the field)
/// instead of validating on its side.
/// </summary>
internal sealed class OpenApiDocuments
{
    private static readonly string[] PatchTypes =
        ["application/json-patch+json", "application/merge-patch+json", "application/strategic-merge-patch+json"];

    private readonly Dictionary<string, (byte[] Json, string Hash)> _v3 = new(StringComparer.Ordinal);

    public OpenApiDocuments(IReadOnlyList<ResourceType> kinds, string kubernetesVersion)
    {
        ArgumentNullException.ThrowIfNull(kinds);
        var v2Schemas = new OpenApiSchemas(kinds, v3: false);
        var v2 = new JsonObject
        {
            ["swagger"] = "2.0",
            ["info"] = new JsonObject { ["title"] = "Kubernetes", ["version"] = kubernetesVersion },
            ["paths"] = Paths(kinds, v2Schemas, v3: false),
            ["definitions"] = Collect(v2Schemas.Definitions),
        };
        V2Json = Encoding.UTF8.GetBytes(v2.ToJsonString());
        V2Protobuf = OpenApiV2Protobuf.Encode(v2);

        // Kubernetes' descriptions go into the v3 documents only (what `kubectl explain` reads); the table is
        // decompressed for this and dropped after.
        using var descriptions = OpenApiDescriptions.Load();
        var v3Schemas = new OpenApiSchemas(kinds, v3: true, descriptions);
        var index = new JsonObject();
        foreach (var groupVersion in kinds.GroupBy(k => k.ApiVersion))
        {
            var members = groupVersion.ToList();
            var document = new JsonObject
            {
                ["openapi"] = "3.0.0",
                ["info"] = new JsonObject { ["title"] = "Kubernetes", ["version"] = kubernetesVersion },
                ["paths"] = Paths(members, v3Schemas, v3: true),
                ["components"] = new JsonObject { ["schemas"] = Collect(v3Schemas.Reachable(members)) },
            };
            var json = Encoding.UTF8.GetBytes(document.ToJsonString());
            var hash = Convert.ToHexString(SHA512.HashData(json));
            var key = PathOf(members[0]);
            _v3[key] = (json, hash);
            index[key] = new JsonObject { ["serverRelativeURL"] = $"/openapi/v3/{key}?hash={hash}" };
        }
        V3Index = Encoding.UTF8.GetBytes(new JsonObject { ["paths"] = index }.ToJsonString());
    }

    private static readonly Lazy<OpenApiDocuments> LazyServed = new(() => new(ResourceTypes.All, DroverVersion.GitVersion));

    /// <summary>The documents of the kinds served, built on the first OpenAPI request (a droverd nobody asks keeps none in memory).</summary>
    public static OpenApiDocuments Served => LazyServed.Value;

    public byte[] V2Json { get; }
    public byte[] V2Protobuf { get; }
    public byte[] V3Index { get; }

    /// <summary>"api/v1" or "apis/apps/v1"; null for a group version not served.</summary>
    public (byte[] Json, string Hash)? V3(string groupVersionPath) => _v3.TryGetValue(groupVersionPath, out var doc) ? doc : null;

    private static string PathOf(ResourceType kind) => kind.Group.Length == 0 ? "api/" + kind.Version : $"apis/{kind.Group}/{kind.Version}";

    private static JsonObject Collect(IEnumerable<KeyValuePair<string, JsonObject>> definitions)
    {
        var result = new JsonObject();
        foreach (var (name, schema) in definitions)
            result[name] = schema.DeepClone();
        return result;
    }

    private static JsonObject Paths(IEnumerable<ResourceType> kinds, OpenApiSchemas schemas, bool v3)
    {
        var paths = new JsonObject();
        foreach (var kind in kinds)
        {
            var scope = kind.Namespaced ? "/namespaces/{namespace}/" : "/";
            var path = "/" + PathOf(kind) + scope + kind.Plural + "/{name}";
            var gvk = new JsonObject { ["group"] = kind.Group, ["kind"] = kind.Kind, ["version"] = kind.Version };
            var fieldValidation = new JsonObject
            {
                ["name"] = "fieldValidation",
                ["in"] = "query",
                ["description"] = "Ignore, Warn or Strict: droverd always decodes strictly, and names an unknown or duplicate field in a 400.",
                ["uniqueItems"] = true,
            };
            var reference = new JsonObject { ["$ref"] = schemas.RefOf(kind) };
            JsonObject patch;
            if (v3)
            {
                fieldValidation["schema"] = new JsonObject { ["type"] = "string", ["uniqueItems"] = true };
                patch = new JsonObject
                {
                    ["operationId"] = "patch" + kind.Kind,
                    ["parameters"] = new JsonArray(fieldValidation),
                    ["requestBody"] = new JsonObject
                    {
                        ["content"] = new JsonObject(PatchTypes.Select(t => KeyValuePair.Create(t, (JsonNode?)new JsonObject { ["schema"] = new JsonObject() }))),
                        ["required"] = true,
                    },
                    ["responses"] = new JsonObject
                    {
                        ["200"] = new JsonObject
                        {
                            ["description"] = "OK",
                            ["content"] = new JsonObject { ["application/json"] = new JsonObject { ["schema"] = reference } },
                        },
                    },
                    ["x-kubernetes-action"] = "patch",
                    ["x-kubernetes-group-version-kind"] = gvk,
                };
            }
            else
            {
                fieldValidation["type"] = "string";
                patch = new JsonObject
                {
                    ["operationId"] = "patch" + kind.Kind,
                    ["consumes"] = new JsonArray([.. PatchTypes.Select(t => (JsonNode?)t)]),
                    ["parameters"] = new JsonArray(fieldValidation),
                    ["responses"] = new JsonObject { ["200"] = new JsonObject { ["description"] = "OK", ["schema"] = reference } },
                    ["x-kubernetes-action"] = "patch",
                    ["x-kubernetes-group-version-kind"] = gvk,
                };
            }
            paths[path] = new JsonObject { ["patch"] = patch };
        }
        return paths;
    }
}
