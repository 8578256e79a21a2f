using System.Net.Http;
using System.Text.Json.Nodes;
using Drover.Api;
using Drover.Api.Client;
using Drover.ControlPlane.Testing;
using Drover.Testing;

namespace Drover.ControlPlane.Api.Tests;

/// <summary>
/// SelfSubjectRulesReview (<c>kubectl auth can-i --list</c>): the rules listed are what the authorizer answers
/// SelfSubjectAccessReviews and requests with, and bad bodies are 4xx naming the field.
/// </summary>
[Trait("Category", "Process")]
public sealed class RulesReviewTests(DroverdFixture fixture) : IClassFixture<DroverdFixture>
{
    private const string RulesPath = "/apis/authorization.k8s.io/v1/selfsubjectrulesreviews";
    private const string AccessPath = "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews";

    private readonly DroverdProcess _server = fixture.Server;

    private static async Task<JsonNode> RulesAsync(DroverClient client, string ns) =>
        JsonNode.Parse(await client.SendRawAsync(HttpMethod.Post, RulesPath,
            Manifests.Utf8($$$"""{"apiVersion":"authorization.k8s.io/v1","kind":"SelfSubjectRulesReview","spec":{"namespace":"{{{ns}}}"}}"""), "application/json"))!;

    private static async Task<bool> CanIAsync(DroverClient client, string verb, string group, string resource, string ns, string name)
    {
        var slash = resource.IndexOf('/', StringComparison.Ordinal);
        var (plural, sub) = slash < 0 ? (resource, "") : (resource[..slash], resource[(slash + 1)..]);
        var body = "{\"spec\":{\"resourceAttributes\":{" + $"\"namespace\":\"{ns}\",\"verb\":\"{verb}\",\"group\":\"{group}\",\"resource\":\"{plural}\",\"subresource\":\"{sub}\",\"name\":\"{name}\"" + "}}}";
        var answer = JsonNode.Parse(await client.SendRawAsync(HttpMethod.Post, AccessPath, Manifests.Utf8(body), "application/json"))!;
        return answer["status"]!["allowed"]!.GetValue<bool>();
    }

    private static IEnumerable<(string Group, string Resource, string Name, IReadOnlyList<string> Verbs)> Rules(JsonNode review) =>
        review["status"]!["resourceRules"]!.AsArray().Select(r => (
            r!["apiGroups"]![0]!.GetValue<string>(),
            r["resources"]![0]!.GetValue<string>(),
            r["resourceNames"]?[0]?.GetValue<string>() ?? "",
            (IReadOnlyList<string>)[.. r["verbs"]!.AsArray().Select(v => v!.GetValue<string>())]));

    [Fact]
    public async Task RulesReview_Admin_EverythingComplete()
    {
        var review = await RulesAsync(_server.Client(), "default");

        Assert.Equal("SelfSubjectRulesReview", review["kind"]!.GetValue<string>());
        Assert.Contains(("*", "*", "", (IReadOnlyList<string>)["*"]), Rules(review), RuleComparer.Instance);
        Assert.Equal("*", review["status"]!["nonResourceRules"]![0]!["nonResourceURLs"]![0]!.GetValue<string>());
        Assert.False(review["status"]!["incomplete"]!.GetValue<bool>());
    }

    [Fact]
    public async Task RulesReview_Node_EveryRuleIsWhatAccessReviewsAnswer()
    {
        var name = "rules-" + Guid.NewGuid().ToString("N")[..6];
        var node = await NodeClients.JoinAsync(_server, name);

        var inLeases = Rules(await RulesAsync(node, "kube-node-lease")).ToList();
        var inDefault = Rules(await RulesAsync(node, "default")).ToList();

        Assert.Contains(("coordination.k8s.io", "leases", name, (IReadOnlyList<string>)["get", "patch", "update"]), inLeases, RuleComparer.Instance);
        Assert.Contains(("coordination.k8s.io", "leases", "", (IReadOnlyList<string>)["create"]), inLeases, RuleComparer.Instance);
        Assert.Contains(("", "nodes", name, (IReadOnlyList<string>)["patch", "update"]), inDefault, RuleComparer.Instance);
        Assert.Contains(("", "nodes/status", name, (IReadOnlyList<string>)["patch", "update"]), inDefault, RuleComparer.Instance);
        Assert.DoesNotContain(inDefault, r => r.Resource == "leases");
        Assert.DoesNotContain(inDefault, r => r.Resource == "deployments" || r.Resource == "pods/exec");
        // Each verb listed is allowed when asked one by one, and a verb on the same resource left out is refused.
        foreach (var (ns, rules) in new[] { ("kube-node-lease", inLeases), ("default", inDefault) })
        {
            foreach (var rule in rules.Where(r => !r.Resource.StartsWith("selfsubject", StringComparison.Ordinal)))
            {
                foreach (var verb in rule.Verbs)
                    Assert.True(await CanIAsync(node, verb, rule.Group, rule.Resource, ns, rule.Name), $"{verb} {rule.Resource} {rule.Name} in {ns}");
                if (rule.Name.Length == 0 && !rule.Verbs.Contains("create"))
                    Assert.False(await CanIAsync(node, "create", rule.Group, rule.Resource, ns, ""), $"create {rule.Resource} in {ns}");
            }
        }
        var status = (await RulesAsync(node, "default"))["status"]!;
        Assert.True(status["incomplete"]!.GetValue<bool>());
        Assert.Contains("field selector", status["evaluationError"]!.GetValue<string>(), StringComparison.Ordinal);
        var urls = status["nonResourceRules"]![0]!["nonResourceURLs"]!.AsArray().Select(u => u!.GetValue<string>()).ToList();
        Assert.Contains("/apis/*", urls);
        Assert.DoesNotContain("/metrics", urls);
    }

    [Fact]
    public async Task RulesReview_Protobuf_ReadAsKubectlSendsIt()
    {
        // kubectl 1.32's body for `auth can-i --list -n kube-node-lease`, as captured with -v=9.
        var body = await File.ReadAllBytesAsync(Path.Combine(RepoPaths.Root, "bench/fuzz/corpus/access-review-protobuf/can-i-list-kube-node-lease"));
        var name = "rules-" + Guid.NewGuid().ToString("N")[..6];
        var node = await NodeClients.JoinAsync(_server, name);

        var review = JsonNode.Parse(await node.SendRawAsync(HttpMethod.Post, RulesPath, body, "application/vnd.kubernetes.protobuf"))!;

        Assert.Equal("kube-node-lease", review["spec"]!["namespace"]!.GetValue<string>());
        Assert.Contains(("coordination.k8s.io", "leases", name, (IReadOnlyList<string>)["get", "patch", "update"]), Rules(review), RuleComparer.Instance);
    }

    [Theory]
    [InlineData("""{"spec":{"namespaces":"default"}}""", 400, "spec.namespaces")]
    [InlineData("""{"spec":{"namespace":"Not_A_Namespace"}}""", 422, "spec.namespace")]
    [InlineData("""{"spec":{"namespace":7}}""", 422, "spec.namespace")]
    [InlineData("""{"kind":"SelfSubjectAccessReview","spec":{}}""", 400, "SelfSubjectAccessReview")]
    [InlineData("""{"spec":""", 400, "")]
    public async Task RulesReview_BadBody_4xxNamingTheField(string body, int code, string named)
    {
        var e = await Assert.ThrowsAsync<ApiClientException>(() => _server.Client().SendRawAsync(HttpMethod.Post, RulesPath, Manifests.Utf8(body), "application/json"));

        Assert.True(e.Code == code, $"{e.Code}: {e.Message}");
        Assert.Contains(named, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RulesReview_Get_405AndMalformedProtobuf400()
    {
        var get = await Assert.ThrowsAsync<ApiClientException>(() => _server.Client().SendRawAsync(HttpMethod.Get, RulesPath, null, null));
        Assert.Equal(405, get.Code);
        var bad = await Assert.ThrowsAsync<ApiClientException>(() => _server.Client().SendRawAsync(HttpMethod.Post, RulesPath,
            [.. "k8s\0"u8.ToArray(), 0x0a, 0x7f, 0x01], "application/vnd.kubernetes.protobuf"));
        Assert.Equal(400, bad.Code);
    }

    private sealed class RuleComparer : IEqualityComparer<(string Group, string Resource, string Name, IReadOnlyList<string> Verbs)>
    {
        public static readonly RuleComparer Instance = new();

        public bool Equals((string Group, string Resource, string Name, IReadOnlyList<string> Verbs) x, (string Group, string Resource, string Name, IReadOnlyList<string> Verbs) y) =>
            x.Group == y.Group && x.Resource == y.Resource && x.Name == y.Name && x.Verbs.SequenceEqual(y.Verbs);

        public int GetHashCode((string Group, string Resource, string Name, IReadOnlyList<string> Verbs) obj) => HashCode.Combine(obj.Group, obj.Resource, obj.Name);
    }
}
