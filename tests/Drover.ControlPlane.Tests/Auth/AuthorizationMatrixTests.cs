using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Drover.Api;
using Drover.Api.Client;

namespace Drover.ControlPlane.Auth.Tests;

/// <summary>
/// Every row of <see cref="AuthorizationMatrix"/> asked by every identity — the admin, node A and node B (each
/// with the credential its agent joined with), the ingress, the metrics scraper, a wrong token and none — against
/// a cluster with two real nodes; each answer's status code is compared with the table's.
/// </summary>
[Collection(AuthorizationMatrixCollection.Name)]
[Trait("Category", "Process")]
public sealed class AuthorizationMatrixTests(AuthorizationMatrixFixture fixture)
{
    public static TheoryData<string> Rows() => [.. AuthorizationMatrix.Rows];

    [Theory]
    [MemberData(nameof(Rows))]
    public async Task Request_EveryIdentity_AnswersAsTheTableSays(string text)
    {
        var row = MatrixRow.Parse(text);
        // The askers at once: each works on its own throw-away objects, and what they share they only read or put back.
        var answers = await Task.WhenAll(Askers()
            .Where(a => row.Expected[a.Column] is not null)
            .Select(async a => (a.Identity, Expected: row.Expected[a.Column]!.Value, Answer: await AskAsync(row, a.Identity, a.Own, row.Expected[a.Column]!.Value))));
        var mismatches = answers.Where(a => a.Answer.Code != a.Expected)
            .Select(a => $"{a.Identity}: {a.Answer.Code} (expected {a.Expected}) {Truncate(a.Answer.Body)}").ToList();
        Assert.True(mismatches.Count == 0, $"{row}:\n{string.Join("\n", mismatches)}");
    }

    [Fact]
    public void Rows_CoverEveryResourceAndVerb()
    {
        var rows = AuthorizationMatrix.Rows.Select(MatrixRow.Parse).ToList();
        foreach (var type in ResourceTypes.All)
        {
            foreach (var verb in new[] { "get", "list", "watch", "create", "update", "patch", "delete" })
                Assert.True(rows.Any(r => r.Type == type && r.Subresource is null && r.Verb == verb), $"no row for {verb} {type.Plural}");
            if (type.HasStatus)
                Assert.True(rows.Count(r => r.Type == type && r.Subresource == "status") >= 3, $"no get/update/patch rows for {type.Plural}/status");
            if (type.HasScale)
                Assert.True(rows.Count(r => r.Type == type && r.Subresource == "scale") >= 3, $"no get/update/patch rows for {type.Plural}/scale");
        }
        Assert.Contains(rows, r => r.Subresource == "log");
        Assert.Contains(rows, r => r.Subresource == "binding");
        Assert.Equal(rows.Count, rows.Select(r => r.ToString()).Distinct().Count());
    }

    /// <summary>Who asks, which column of the table is theirs, and whose side "own" is.</summary>
    private IEnumerable<(string Identity, int Column, string Own)> Askers()
    {
        yield return ("admin", 0, fixture.NodeA);
        yield return (fixture.NodeA, 1, fixture.NodeA);
        yield return (fixture.NodeB, 1, fixture.NodeB);
        yield return ("ingress", 2, fixture.NodeA);
        yield return ("metrics", 3, fixture.NodeA);
        yield return ("bad-token", 4, fixture.NodeA);
        yield return ("no-token", 5, fixture.NodeA);
    }

    private async Task<(int Code, string Body)> AskAsync(MatrixRow row, string identity, string own, int expected)
    {
        var other = fixture.OtherThan(own);
        var type = row.Type;
        var allowed = expected is >= 200 and < 300;
        var made = new List<string>();
        try
        {
            string? name;
            byte[]? body = null;
            var contentType = "application/json";
            if (row.Target.StartsWith("new", StringComparison.Ordinal) && row.Verb == "create" && row.Subresource is null)
            {
                name = MatrixObjects.NewName();
                body = Encoding.UTF8.GetBytes(MatrixObjects.Manifest(type, row.Namespace, name, own, NodeOf(row.Target, own, other)));
                contentType = "application/yaml";
                made.Add(ObjectPath(type, row.Namespace, name));
            }
            else if (row.Verb == "create" && row.Subresource is null)
            {
                name = MatrixObjects.NameOf(type, row.Target, own, other)!;
                body = Encoding.UTF8.GetBytes(MatrixObjects.Manifest(type, row.Namespace, name, own));
                contentType = "application/yaml";
            }
            else if (row.Target.StartsWith("new", StringComparison.Ordinal) && (allowed || type != ResourceTypes.Pods))
            {
                // A throw-away object for the delete or binding: a delete wrongly allowed harms nothing shared.
                name = MatrixObjects.NewName();
                var path = ObjectPath(type, row.Namespace, name);
                made.Add(path);
                var (code, text) = await SendAsync("admin", HttpMethod.Post, CollectionPath(type, row.Namespace), Encoding.UTF8.GetBytes(MatrixObjects.Manifest(type, row.Namespace, name, own, NodeOf(row.Target, own, other))), "application/yaml");
                Assert.True(code == 201, $"creating the throw-away {path}: {code} {text}");
            }
            else
            {
                // Pods refused a delete or binding are pointed at the stable ones: no container started for a 403.
                name = MatrixObjects.NameOf(type, row.Target, own, other);
            }

            var target = name is null ? CollectionPath(type, row.Namespace) : ObjectPath(type, row.Namespace, name);
            var sub = row.Subresource is null ? "" : "/" + row.Subresource;
            var query = row.Query?.Replace("{own}", own, StringComparison.Ordinal).Replace("{other}", other, StringComparison.Ordinal);
            switch (row.Verb)
            {
                case "get":
                    return await SendAsync(identity, HttpMethod.Get, target + sub + (row.Subresource == "log" ? "?tailLines=1" : ""));
                case "list":
                    return await SendAsync(identity, HttpMethod.Get, target + Query(query));
                case "watch":
                    return await SendAsync(identity, HttpMethod.Get, target + Query("watch=1&timeoutSeconds=1", query), stream: true);
                case "create" when row.Subresource == "binding":
                    var binding = new JsonObject
                    {
                        ["apiVersion"] = "v1",
                        ["kind"] = "Binding",
                        ["metadata"] = new JsonObject { ["name"] = name },
                        ["target"] = new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Node", ["name"] = own },
                    };
                    return await SendAsync(identity, HttpMethod.Post, target + sub, Encoding.UTF8.GetBytes(binding.ToJsonString()), contentType);
                case "create":
                    return await SendAsync(identity, HttpMethod.Post, CollectionPath(type, row.Namespace), body, contentType);
                case "update":
                    // What is stored, put back (read just before, without its resourceVersion: nothing to conflict with).
                    var (read, current) = await SendAsync("admin", HttpMethod.Get, target + sub);
                    Assert.True(read == 200, $"reading {target + sub} back: {read} {current}");
                    var json = JsonNode.Parse(current)!;
                    json["metadata"]?.AsObject().Remove("resourceVersion");
                    return await SendAsync(identity, HttpMethod.Put, target + sub, Encoding.UTF8.GetBytes(json.ToJsonString()), contentType);
                case "patch":
                    return await SendAsync(identity, HttpMethod.Patch, target + sub, "{}"u8.ToArray(), "application/merge-patch+json");
                case "delete":
                    return await SendAsync(identity, HttpMethod.Delete, target);
                default:
                    throw new InvalidOperationException($"unknown verb {row.Verb}");
            }
        }
        finally
        {
            // Whatever the row made or a wrongly allowed create left behind.
            foreach (var path in made)
                await SendAsync("admin", HttpMethod.Delete, path + "?gracePeriodSeconds=0");
        }
    }

    private static string? NodeOf(string target, string own, string other) => target switch
    {
        "new-own" => own,
        "new-other" => other,
        _ => null,
    };

    private async Task<(int Code, string Body)> SendAsync(string identity, HttpMethod method, string path, byte[]? body = null, string? contentType = null, bool stream = false)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType ?? "application/json");
        }
        // A watch allowed streams until its timeout: its status line is the answer.
        using var response = await fixture.Http(identity).SendAsync(request, stream ? HttpCompletionOption.ResponseHeadersRead : HttpCompletionOption.ResponseContentRead);
        var code = (int)response.StatusCode;
        var text = stream && code == 200 ? "" : await response.Content.ReadAsStringAsync();
        return (code, text);
    }

    private static string CollectionPath(ResourceType type, string? ns) => DroverClient.CollectionPath(type, ns);

    private static string ObjectPath(ResourceType type, string? ns, string name) => DroverClient.ObjectPath(type, ns, name);

    private static string Query(params string?[] parts)
    {
        var present = parts.Where(p => !string.IsNullOrEmpty(p)).ToArray();
        return present.Length == 0 ? "" : "?" + string.Join("&", present);
    }

    private static string Truncate(string text) => text.Length <= 300 ? text : text[..300] + "…";
}
