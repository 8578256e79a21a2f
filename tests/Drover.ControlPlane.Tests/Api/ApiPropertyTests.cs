using System.Net.Http;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CsCheck;
using Drover.Api;
using Drover.Api.Client;
using Drover.ControlPlane.Testing;
using Drover.Testing;
using Xunit.Abstractions;

namespace Drover.ControlPlane.Api.Tests;

/// <summary>
/// Random requests against a real droverd: objects of every kind, mutations of the seed manifests, patch bodies
/// of every patch type, query strings and paths with percent-encoding tricks. Every answer is 2xx or 4xx
/// (never 5xx, never a crash) and a 4xx leaves the addressed collection as it was. Each iteration is one
/// seeded request; a failure prints CsCheck's seed (set DROVER_API_PROPERTY_SEED to replay it) and the request.
/// </summary>
[Trait("Category", "Process")]
public sealed class ApiPropertyTests(DroverdFixture fixture, ITestOutputHelper output) : IClassFixture<DroverdFixture>
{
    private readonly Dictionary<int, int> _answers = [];

    private const int Iterations = 300;

    private static readonly string[] Collections =
    [
        "/api/v1/namespaces/{ns}/configmaps", "/api/v1/namespaces/{ns}/secrets", "/api/v1/namespaces/{ns}/services",
        "/api/v1/namespaces/{ns}/pods", "/api/v1/namespaces/{ns}/events", "/api/v1/namespaces/{ns}/endpoints",
        "/apis/apps/v1/namespaces/{ns}/deployments", "/apis/apps/v1/namespaces/{ns}/replicasets",
        "/apis/networking.k8s.io/v1/namespaces/{ns}/ingresses", "/apis/autoscaling/v2/namespaces/{ns}/horizontalpodautoscalers",
        "/apis/coordination.k8s.io/v1/namespaces/{ns}/leases", "/api/v1/nodes", "/api/v1/namespaces",
        "/apis/networking.k8s.io/v1/ingressclasses",
    ];

    private static readonly string[] Subresources = ["", "", "", "", "", "", "/status", "/scale", "/log", "/binding", "/x"];

    private static readonly string[] NameTricks =
    [
        "my-app", "web", "cm", "a%2500b", "a%2Fb", "%2e%2e", "a%FFb", "a%C3%28", "%E2%80%AE", "A_B", "x" + new string('y', 300),
        "a%20b", "%25", "ok.name", "-lead", "ünïcode", "a;b", "a%0Ab",
    ];

    private static readonly string[] QueryKeys =
    [
        "watch", "resourceVersion", "limit", "continue", "labelSelector", "fieldSelector", "timeoutSeconds",
        "gracePeriodSeconds", "propagationPolicy", "allowWatchBookmarks", "follow", "tailLines", "container", "dryRun", "x",
    ];

    private static readonly string[] QueryValues =
    [
        "", "0", "1", "-1", "-5", "abc", "true", "yes", "99999999999999999999", "2147483648", "1e3", " 7", "%00", "%2500",
        "a%3Db", "a%20in%20(b,c)", "!a", "a!=", "spec.nodeName%3Dn", "metadata.name%3D%3Dx", "L3JlZ2lzdHJ5Lw", "Orphan", "%FF",
    ];

    private static readonly string[] ContentTypes =
    [
        "application/json", "application/yaml", "application/merge-patch+json", "application/strategic-merge-patch+json",
        "application/json-patch+json", "application/apply-patch+yaml", "text/plain", "",
    ];

    private readonly DroverClient _client = fixture.Server.Client(TimeSpan.FromSeconds(60));

    [Fact]
    public async Task RandomRequests_Answer2xxOr4xx_AndRefusalsChangeNothing()
    {
        var ns = await TestNamespaces.CreateAsync(_client);
        var seeds = new List<JsonObject>();
        foreach (var file in new[] { "seed-deployment.yaml", "seed-service.yaml", "seed-ingress.yaml", "seed-hpa.yaml" })
        {
            var json = YamlToJson.ConvertSingle(Manifests.Seed(file));
            seeds.Add((JsonObject)JsonNode.Parse(json)!);
            await _client.CreateRawAsync(ObjectDecoder.ResolveType(json), ns, json, "application/json");
        }
        seeds.Add((JsonObject)JsonNode.Parse(JsonSerializer.Serialize(Manifests.ConfigMap(ns, "cm"), ApiJsonContext.Default.ConfigMap))!);
        await _client.CreateAsync(ResourceTypes.ConfigMaps, Manifests.ConfigMap(ns, "cm"));

        await Gen.Int.SampleAsync(
            async seed => await OneRequestAsync(ns, seeds, new Random(seed)),
            iter: Iterations,
            threads: 1,
            seed: Environment.GetEnvironmentVariable("DROVER_API_PROPERTY_SEED"));

        output.WriteLine("answers: " + string.Join(", ", _answers.OrderBy(a => a.Key).Select(a => $"{a.Key}×{a.Value}")));
        // Not vacuous: the requests reached both the success and the refusal paths.
        Assert.Contains(_answers.Keys, code => code is >= 200 and < 300);
        Assert.Contains(_answers.Keys, code => code == 422);
        Assert.Contains(_answers.Keys, code => code == 400);
    }

    private async Task OneRequestAsync(string ns, List<JsonObject> seeds, Random random)
    {
        var collection = Pick(random, Collections).Replace("{ns}", ns, StringComparison.Ordinal);
        // Mostly an object of the collection's own kind, so requests get past routing to decoding and validation.
        var own = seeds.Where(s => collection.EndsWith("/" + ObjectDecoder.ResolveType(Encoding.UTF8.GetBytes(s.ToJsonString())).Plural, StringComparison.Ordinal)).ToList();
        var seed = own.Count > 0 && random.Next(4) != 0 ? Pick(random, own) : Pick(random, seeds);
        var method = Pick(random, new[] { HttpMethod.Get, HttpMethod.Post, HttpMethod.Put, HttpMethod.Patch, HttpMethod.Delete });
        var name = random.Next(3) == 0 ? Pick(random, NameTricks) : seed["metadata"]!["name"]!.GetValue<string>();
        var path = method == HttpMethod.Post && random.Next(4) != 0
            ? collection
            : collection + "/" + name + Pick(random, Subresources);
        var query = RandomQuery(random);
        var contentType = method == HttpMethod.Patch
            ? Pick(random, ContentTypes[2..])
            : Pick(random, ContentTypes[..2]);
        var body = method == HttpMethod.Get || method == HttpMethod.Delete ? null : RandomBody(random, seed, method, contentType);

        var before = await SnapshotAsync(collection);
        var status = await SendAsync(method, path + query, body, contentType);
        var request = $"{method} {path}{query} ({contentType}) body: {Excerpt(body)}";
        _answers[status] = _answers.GetValueOrDefault(status) + 1;
        Assert.False(fixture.Server.HasExited, $"droverd exited after {request}\n{fixture.Server.Output}");
        Assert.True(status is >= 200 and < 500 || status == 0 && (path + query).Contains("%0", StringComparison.Ordinal),
            $"answer {status} to {request}\n{(status >= 500 ? Tail(fixture.Server.Output) : "")}");
        if (status is >= 400 and < 500 && !query.Contains("watch", StringComparison.Ordinal))
            Assert.Equal(before, await SnapshotAsync(collection));
    }

    private static string Tail(string text) => text.Length <= 4000 ? text : text[^4000..];

    /// <summary>Status code; 0 when Kestrel refused the request itself (a target decoding to NUL).</summary>
    private async Task<int> SendAsync(HttpMethod method, string pathAndQuery, byte[]? body, string contentType)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            // A watch answers 200 and streams until its timeout: a short one ends it.
            var target = pathAndQuery.Contains("watch=", StringComparison.Ordinal) && !pathAndQuery.Contains("timeoutSeconds=", StringComparison.Ordinal)
                ? pathAndQuery + "&timeoutSeconds=1"
                : pathAndQuery;
            await _client.SendRawAsync(method, target, body, string.IsNullOrEmpty(contentType) ? null : contentType, timeout.Token);
            return 200;
        }
        catch (ApiClientException e)
        {
            return e.Code;
        }
    }

    /// <summary>Names and what a refusal must leave alone: resourceVersions, or generations where a controller writes status.</summary>
    private async Task<string> SnapshotAsync(string collection)
    {
        byte[] list;
        try
        {
            list = await _client.GetRawAsync(collection);
        }
        catch (ApiClientException)
        {
            return "";
        }
        // Controllers create and write these on their own schedule: their state is not the request's to keep.
        if (collection.EndsWith("/pods", StringComparison.Ordinal) || collection.EndsWith("/endpoints", StringComparison.Ordinal)
            || collection.EndsWith("/events", StringComparison.Ordinal) || collection.EndsWith("/replicasets", StringComparison.Ordinal))
            return "";
        var items = JsonNode.Parse(list)!["items"]!.AsArray();
        // Deployments and HPAs get status and annotations from controllers; what a request may change is their generation.
        var controlled = collection.Contains("/apps/", StringComparison.Ordinal) || collection.Contains("autoscaling", StringComparison.Ordinal)
            || collection.EndsWith("/nodes", StringComparison.Ordinal) || collection.EndsWith("/namespaces", StringComparison.Ordinal);
        return string.Join(",", items.Select(i =>
        {
            var meta = i!["metadata"]!;
            return meta["name"] + "@" + (controlled ? meta["generation"]?.ToJsonString() : meta["resourceVersion"]?.ToJsonString());
        }).Order(StringComparer.Ordinal));
    }

    private static string RandomQuery(Random random)
    {
        var count = random.Next(4);
        var sb = new StringBuilder();
        for (var i = 0; i < count; i++)
            sb.Append(i == 0 ? '?' : '&').Append(Pick(random, QueryKeys)).Append('=').Append(Pick(random, QueryValues));
        return sb.ToString();
    }

    private static byte[] RandomBody(Random random, JsonObject seed, HttpMethod method, string contentType)
    {
        switch (random.Next(10))
        {
            case 0:
                return RandomBytes(random);
            case 1:
                // A patch of any shape: a random JSON value.
                return Encoding.UTF8.GetBytes(RandomValue(random, 0)?.ToJsonString() ?? "null");
            case 2:
                return Encoding.UTF8.GetBytes("{\"a\":" + new string('[', 70 + random.Next(5000)) + "}");
        }
        var obj = (JsonObject)seed.DeepClone();
        var mutations = random.Next(0, 3);
        for (var i = 0; i < mutations; i++)
            Mutate(random, obj);
        if (method == HttpMethod.Patch && random.Next(2) == 0)
            obj.Remove("apiVersion");
        // New names too, so some creates succeed and later requests meet more objects.
        if (method == HttpMethod.Post && random.Next(2) == 0 && obj["metadata"] is JsonObject meta)
            meta["name"] = "p" + random.Next(100_000).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var text = obj.ToJsonString();
        return contentType.Contains("yaml", StringComparison.Ordinal) && random.Next(2) == 0
            ? Encoding.UTF8.GetBytes(text.Replace("{", "{ ", StringComparison.Ordinal))
            : Encoding.UTF8.GetBytes(text);
    }

    /// <summary>Replaces, removes or adds one member somewhere in the object.</summary>
    private static void Mutate(Random random, JsonObject root)
    {
        JsonNode node = root;
        for (var depth = 0; depth < 8; depth++)
        {
            var children = node switch
            {
                JsonObject o => o.Select(p => p.Value).Where(v => v is JsonObject or JsonArray).ToList(),
                JsonArray a => a.Where(v => v is JsonObject or JsonArray).ToList(),
                _ => [],
            };
            if (children.Count == 0 || random.Next(3) == 0)
                break;
            node = children[random.Next(children.Count)]!;
        }
        switch (node)
        {
            case JsonObject o when o.Count > 0 && random.Next(3) == 0:
                o.Remove(o.ElementAt(random.Next(o.Count)).Key);
                break;
            case JsonObject o when o.Count > 0:
                var key = o.ElementAt(random.Next(o.Count)).Key;
                o[key] = RandomValue(random, 0);
                break;
            case JsonObject o:
                o[Pick(random, new[] { "name", "resourceVersion", "x", "replicas", "cpu", "" })] = RandomValue(random, 0);
                break;
            case JsonArray a when a.Count > 0:
                a[random.Next(a.Count)] = RandomValue(random, 0);
                break;
            case JsonArray a:
                a.Add(RandomValue(random, 0));
                break;
        }
    }

    private static JsonNode? RandomValue(Random random, int depth) => random.Next(depth > 3 ? 9 : 12) switch
    {
        0 => null,
        1 => JsonValue.Create(random.Next(2) == 0),
        2 => JsonValue.Create(random.NextInt64(long.MinValue, long.MaxValue)),
        3 => JsonValue.Create(random.NextDouble() * Math.Pow(10, random.Next(-20, 20))),
        4 => JsonValue.Create(Pick(random, new[] { "", "abc", "-5", "99999999999999999999999999999Ei", "250m", "1.5Gi", "0.0000000000000000000", "a\u0000b", "\u202e", "my-app", "TCP", "Always" })),
        5 => JsonValue.Create(new string((char)random.Next(0x20, 0x7f), random.Next(0, 400))),
        6 => JsonValue.Create(random.Next(-3, 70000)),
        7 => JsonValue.Create(Pick(random, new[] { "abc", "-5", "123456789012345678901234567890", "0", "1" })),
        8 => JsonValue.Create(random.Next(2) == 0 ? "true" : "3"),
        9 => new JsonArray(Enumerable.Range(0, random.Next(4)).Select(_ => RandomValue(random, depth + 1)).ToArray()),
        _ => new JsonObject(Enumerable.Range(0, random.Next(4)).Select(i => KeyValuePair.Create(Pick(random, new[] { "name", "a", "spec", "metadata", "labels", "x" + i }) + i, RandomValue(random, depth + 1)))),
    };

    private static byte[] RandomBytes(Random random)
    {
        var bytes = new byte[random.Next(0, 200)];
        random.NextBytes(bytes);
        return bytes;
    }

    private static T Pick<T>(Random random, IReadOnlyList<T> items) => items[random.Next(items.Count)];

    private static string Excerpt(byte[]? body) =>
        body is null ? "(none)" : body.Length <= 300 ? Encoding.UTF8.GetString(body) : Encoding.UTF8.GetString(body, 0, 300) + "…";
}
