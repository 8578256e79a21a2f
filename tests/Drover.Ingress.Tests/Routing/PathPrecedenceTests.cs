using Drover.Ingress.Routing;

namespace Drover.Ingress.Routing.Tests;

/// <summary>
/// Every row of the "Examples" table under "Path types" in the Kubernetes Ingress documentation
/// (concepts/services-networking/ingress), plus its "multiple matches" rule. Rules are "Kind:path" and a
/// row's expected answer is the path of the rule that must win, or null when the default backend serves it.
/// </summary>
public sealed class PathPrecedenceTests
{
    public static TheoryData<string, string, string?> KubernetesExamples => new()
    {
        // Kind     Path(s)                         Request path   Matches?
        { "Prefix:/",                               "/",            "Prefix:/" },          // (all paths)
        { "Prefix:/",                               "/anything/at/all", "Prefix:/" },
        { "Exact:/foo",                             "/foo",         "Exact:/foo" },
        { "Exact:/foo",                             "/bar",         null },
        { "Exact:/foo",                             "/foo/",        null },
        { "Exact:/foo/",                            "/foo",         null },
        { "Prefix:/foo",                            "/foo",         "Prefix:/foo" },
        { "Prefix:/foo",                            "/foo/",        "Prefix:/foo" },
        { "Prefix:/foo/",                           "/foo",         "Prefix:/foo/" },
        { "Prefix:/foo/",                           "/foo/",        "Prefix:/foo/" },
        { "Prefix:/aaa/bb",                         "/aaa/bbb",     null },
        { "Prefix:/aaa/bbb",                        "/aaa/bbb",     "Prefix:/aaa/bbb" },
        { "Prefix:/aaa/bbb/",                       "/aaa/bbb",     "Prefix:/aaa/bbb/" },  // ignores trailing slash
        { "Prefix:/aaa/bbb",                        "/aaa/bbb/",    "Prefix:/aaa/bbb" },   // matches trailing slash
        { "Prefix:/aaa/bbb",                        "/aaa/bbb/ccc", "Prefix:/aaa/bbb" },   // matches subpath
        { "Prefix:/aaa/bbb",                        "/aaa/bbbxyz",  null },                // not a string prefix
        { "Prefix:/,Prefix:/aaa",                   "/aaa/ccc",     "Prefix:/aaa" },
        { "Prefix:/,Prefix:/aaa,Prefix:/aaa/bbb",   "/aaa/bbb",     "Prefix:/aaa/bbb" },
        { "Prefix:/,Prefix:/aaa,Prefix:/aaa/bbb",   "/ccc",         "Prefix:/" },
        { "Prefix:/aaa",                            "/ccc",         null },                // default backend
        { "Prefix:/foo,Exact:/foo",                 "/foo",         "Exact:/foo" },        // mixed: prefers Exact
        { "Exact:/foo,Prefix:/foo",                 "/foo",         "Exact:/foo" },        // whatever the order given
        { "Exact:/foo,Prefix:/foo",                 "/foo/x",       "Prefix:/foo" },
        // ImplementationSpecific is Prefix here.
        { "ImplementationSpecific:/users",          "/users/7",     "ImplementationSpecific:/users" },
        { "ImplementationSpecific:/users",          "/usersx",      null },
    };

    [Theory]
    [MemberData(nameof(KubernetesExamples))]
    public void Match_KubernetesDocumentationExample_PicksTheDocumentedRule(string rules, string request, string? expected)
    {
        var builder = new RouteTableBuilder<string>();
        var order = 0;
        foreach (var rule in rules.Split(','))
        {
            var (type, path) = (rule[..rule.IndexOf(':', StringComparison.Ordinal)], rule[(rule.IndexOf(':', StringComparison.Ordinal) + 1)..]);
            builder.Add("example.com", path, PathTypes.Parse(type)!.Value, rule, order++);
        }
        builder.AddDefault("default-backend", 99);

        var match = builder.Build().Match("example.com", request);

        Assert.Equal(expected ?? "default-backend", match.Target);
        Assert.Equal(expected is null, match.Rule is null);
    }

    [Theory]
    [InlineData("/users", true)]
    [InlineData("/users/7", true)]
    [InlineData("/users/", true)]
    [InlineData("/usersx", false)]
    [InlineData("/user", false)]
    [InlineData("/Users", false)]
    public void Matches_PrefixUsers_IsElementWiseAndCaseSensitive(string request, bool expected)
    {
        var rule = new PathRule<string>("/users", PathMatchKind.Prefix, "svc", 0);

        Assert.Equal(expected, rule.Matches(request));
    }

    [Fact]
    public void Match_LongestPrefixAmongMany_WinsRegardlessOfInsertionOrder()
    {
        var paths = new[] { "/", "/a", "/a/b", "/a/b/c", "/a/bc", "/b" };
        foreach (var permutation in new[] { paths, paths.Reverse().ToArray(), [.. paths.OrderBy(p => p.Length % 3)] })
        {
            var builder = new RouteTableBuilder<string>();
            for (var i = 0; i < permutation.Length; i++)
                builder.Add(null, permutation[i], PathMatchKind.Prefix, permutation[i], i);
            var table = builder.Build();

            Assert.Equal("/a/b/c", table.Match("h", "/a/b/c/d").Target);
            Assert.Equal("/a/b", table.Match("h", "/a/b/cd").Target);
            Assert.Equal("/a/bc", table.Match("h", "/a/bc").Target);
            Assert.Equal("/a", table.Match("h", "/a/x").Target);
            Assert.Equal("/", table.Match("h", "/c").Target);
        }
    }

    [Fact]
    public void Match_SamePathInTwoIngresses_OlderIngressWins()
    {
        var table = new RouteTableBuilder<string>()
            .Add("h.example", "/api", PathMatchKind.Prefix, "newer", 5)
            .Add("h.example", "/api", PathMatchKind.Prefix, "older", 1)
            .Build();

        Assert.Equal("older", table.Match("h.example", "/api/x").Target);
    }

    [Fact]
    public void Match_EmptyRequestPath_IsTreatedAsRoot()
    {
        var table = new RouteTableBuilder<string>().Add(null, "/", PathMatchKind.Exact, "root", 0).Build();

        Assert.Equal("root", table.Match("", "").Target);
    }
}
