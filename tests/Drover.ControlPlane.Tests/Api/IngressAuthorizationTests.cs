using System.Text;
using Drover.Api;
using Drover.Api.Client;
using Drover.ControlPlane.Testing;
using Drover.Testing;

namespace Drover.ControlPlane.Api.Tests;

/// <summary>The ingress identity (DATA/ingress.config): read what routing needs, write Ingress status, nothing else.</summary>
[Trait("Category", "Process")]
public sealed class IngressAuthorizationTests(DroverdFixture fixture) : IClassFixture<DroverdFixture>
{
    private readonly DroverdProcess _server = fixture.Server;
    private readonly DroverClient _admin = fixture.Server.Client();

    private DroverClient IngressClient() => new(ClientSettings.Load(_server.IngressConfigPath));

    private static Ingress NewIngress(string ns, string name) => new()
    {
        ApiVersion = "networking.k8s.io/v1",
        Kind = "Ingress",
        Metadata = new ObjectMeta { Name = name, Namespace = ns },
        Spec = new IngressSpec
        {
            Rules = [new IngressRule { Host = "a.example.com", Http = new HttpIngressRuleValue { Paths = [new HttpIngressPath { Path = "/", PathType = "Prefix", Backend = new IngressBackend { Service = new IngressServiceBackend { Name = "web", Port = new ServiceBackendPort { Number = 80 } } } }] } }],
        },
    };

    private static Secret NewSecret(string ns, string name, string type) => new()
    {
        ApiVersion = "v1",
        Kind = "Secret",
        Type = type,
        Metadata = new ObjectMeta { Name = name, Namespace = ns },
        Data = type == "kubernetes.io/tls"
            ? new() { ["tls.crt"] = Encoding.ASCII.GetBytes("not really"), ["tls.key"] = Encoding.ASCII.GetBytes("not really") }
            : new() { ["password"] = Encoding.ASCII.GetBytes("hunter2") },
    };

    [Fact]
    public void IngressConfig_WrittenByDroverd_NamesTheIngressUserNotTheAdmin()
    {
        var ingress = ClientSettings.Load(_server.IngressConfigPath);
        var admin = ClientSettings.Load(_server.ClientConfigPath);

        Assert.StartsWith("drover-ingress:", ingress.Token, StringComparison.Ordinal);
        Assert.NotEqual(admin.Token, ingress.Token);
        Assert.Equal(admin.Server, ingress.Server);
    }

    [Fact]
    public async Task Read_WhatRoutingNeeds_IsAllowed()
    {
        var ns = await TestNamespaces.CreateAsync(_admin);
        await _admin.CreateAsync(ResourceTypes.Ingresses, NewIngress(ns, "web"));
        using var ingress = IngressClient();

        Assert.Single((await ingress.ListAsync(ResourceTypes.Ingresses, null)).Items, i => i.Metadata.Namespace == ns);
        await ingress.GetAsync(ResourceTypes.Ingresses, ns, "web");
        Assert.Contains((await ingress.ListAsync(ResourceTypes.IngressClasses, null)).Items, c => c.Metadata.Name == "drover");
        await ingress.ListAsync(ResourceTypes.Services, null);
        await ingress.ListAsync(ResourceTypes.Endpoints, null);
        await ingress.ListAsync(ResourceTypes.Secrets, null, fieldSelector: "type=kubernetes.io/tls");
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await using var watch = ingress.WatchAsync(ResourceTypes.Endpoints, null, ct: cts.Token).GetAsyncEnumerator(cts.Token);
        var first = watch.MoveNextAsync();   // the watch is accepted: no 403 while it waits for events
        await _admin.CreateAsync(ResourceTypes.Endpoints, new Endpoints { ApiVersion = "v1", Kind = "Endpoints", Metadata = new ObjectMeta { Name = "web", Namespace = ns } });
        Assert.True(await first);
    }

    [Fact]
    public async Task WriteStatus_OfAnIngress_IsAllowedButNotItsSpec()
    {
        var ns = await TestNamespaces.CreateAsync(_admin);
        await _admin.CreateAsync(ResourceTypes.Ingresses, NewIngress(ns, "web"));
        using var ingress = IngressClient();

        var patched = await ingress.PatchAsync(ResourceTypes.Ingresses, ns, "web", """{"status":{"loadBalancer":{"ingress":[{"ip":"10.0.0.9"}]}}}""", "status");
        Assert.Equal("10.0.0.9", patched.Status?.LoadBalancer?.Ingress?[0].Ip);

        var e = await Assert.ThrowsAsync<ApiClientException>(() => ingress.PatchAsync(ResourceTypes.Ingresses, ns, "web", """{"spec":{"ingressClassName":"other"}}"""));
        Assert.Equal(403, e.Code);
        Assert.Contains("system:drover:ingress", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Secrets_OtherThanTls_Are403()
    {
        var ns = await TestNamespaces.CreateAsync(_admin);
        await _admin.CreateAsync(ResourceTypes.Secrets, NewSecret(ns, "db", "Opaque"));
        await _admin.CreateAsync(ResourceTypes.Secrets, NewSecret(ns, "cert", "kubernetes.io/tls"));
        using var ingress = IngressClient();

        Assert.Equal(403, (await Assert.ThrowsAsync<ApiClientException>(() => ingress.ListAsync(ResourceTypes.Secrets, null))).Code);
        Assert.Equal(403, (await Assert.ThrowsAsync<ApiClientException>(() => ingress.ListAsync(ResourceTypes.Secrets, ns, fieldSelector: "type=Opaque"))).Code);
        Assert.Equal(403, (await Assert.ThrowsAsync<ApiClientException>(() => ingress.GetAsync(ResourceTypes.Secrets, ns, "db"))).Code);
        await ingress.GetAsync(ResourceTypes.Secrets, ns, "cert");
        var listed = await ingress.ListAsync(ResourceTypes.Secrets, null, fieldSelector: "type=kubernetes.io/tls");
        Assert.All(listed.Items, s => Assert.Equal("kubernetes.io/tls", ((Secret)s).Type));
    }

    [Fact]
    public async Task Everything_Else_Is403()
    {
        var ns = await TestNamespaces.CreateAsync(_admin);
        await _admin.CreateAsync(ResourceTypes.Ingresses, NewIngress(ns, "web"));
        using var ingress = IngressClient();

        async Task Forbidden(Func<Task> call)
        {
            var e = await Assert.ThrowsAsync<ApiClientException>(call);
            Assert.Equal(403, e.Code);
        }

        await Forbidden(() => ingress.ListAsync(ResourceTypes.Pods, null));
        await Forbidden(() => ingress.ListAsync(ResourceTypes.Nodes, null));
        await Forbidden(() => ingress.ListAsync(ResourceTypes.Deployments, ns));
        await Forbidden(() => ingress.ListAsync(ResourceTypes.ConfigMaps, ns));
        await Forbidden(() => ingress.ListAsync(ResourceTypes.Namespaces, null));
        await Forbidden(() => ingress.CreateAsync(ResourceTypes.Ingresses, NewIngress(ns, "mine")));
        await Forbidden(() => ingress.DeleteAsync(ResourceTypes.Ingresses, ns, "web"));
        await Forbidden(() => ingress.CreateAsync(ResourceTypes.Services, new Service { ApiVersion = "v1", Kind = "Service", Metadata = new ObjectMeta { Name = "s", Namespace = ns }, Spec = new ServiceSpec { Ports = [new ServicePort { Port = 80 }] } }));
        await Forbidden(() => ingress.PatchAsync(ResourceTypes.Services, ns, "web", """{"metadata":{"labels":{"a":"b"}}}"""));
        await Forbidden(() => ingress.CreateAsync(ResourceTypes.Secrets, NewSecret(ns, "x", "kubernetes.io/tls")));
        await Forbidden(() => ingress.CreateAsync(ResourceTypes.IngressClasses, new IngressClass { ApiVersion = "networking.k8s.io/v1", Kind = "IngressClass", Metadata = new ObjectMeta { Name = "mine" }, Spec = new IngressClassSpec { Controller = "example.com/x" } }));
        await Forbidden(() => ingress.GetRawAsync("/metrics"));
    }
}
