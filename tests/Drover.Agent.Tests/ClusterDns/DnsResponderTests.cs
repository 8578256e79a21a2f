using Drover.Api;

namespace Drover.Agent.ClusterDns.Tests;

public sealed class DnsResponderTests
{
    private static readonly ClusterDnsZone Zone = ClusterDnsZone.Build("cluster.local",
        [
            Service("default", "my-app-service", "10.43.0.20", new ServicePort { Name = "http", Port = 80, TargetPort = new IntOrString(3000) }),
            Service("db", "pg", "None", new ServicePort { Name = "sql", Port = 5432 }),
            new Service { Metadata = new ObjectMeta { Name = "alias", Namespace = "default" }, Spec = new ServiceSpec { Type = "ExternalName", ExternalName = "db.example.org." } },
        ],
        [
            Slice("db", "pg", ("10.42.1.7", true, "pg-0"), ("10.42.1.8", false, null), ("10.42.1.9", true, null)),
        ]);

    private static Service Service(string ns, string name, string clusterIp, params ServicePort[] ports) => new()
    {
        Metadata = new ObjectMeta { Name = name, Namespace = ns },
        Spec = new ServiceSpec { ClusterIP = clusterIp, Ports = [.. ports] },
    };

    private static EndpointSlice Slice(string ns, string service, params (string Ip, bool Ready, string? Hostname)[] endpoints) => new()
    {
        Metadata = new ObjectMeta { Name = service + "-abc", Namespace = ns, Labels = new() { ["kubernetes.io/service-name"] = service } },
        AddressType = "IPv4",
        Ports = [new EndpointSlicePort { Name = "sql", Protocol = "TCP", Port = 5432 }],
        Endpoints = [.. endpoints.Select(e => new SliceEndpoint { Addresses = [e.Ip], Hostname = e.Hostname, Conditions = new EndpointConditions { Ready = e.Ready } })],
    };

    private static DnsPackets.Response Ask(byte[] query, bool forwarding = false)
    {
        var buffer = new byte[DnsResponder.BufferBytes];
        var length = DnsResponder.Respond(query, buffer, Zone, forwarding, out _, out _);
        Assert.True(length > 0, $"no response ({length})");
        return DnsPackets.Read(buffer.AsSpan(0, length));
    }

    [Fact]
    public void Respond_ServiceName_AWithTheClusterIpAuthoritative()
    {
        var response = Ask(DnsPackets.Query("My-App-Service.default.svc.cluster.local", 1, id: 0xBEEF));

        Assert.Equal(0xBEEF, response.Id);
        Assert.Equal(0, response.ResponseCode);
        Assert.True(response.Authoritative);
        var answer = Assert.Single(response.Answers);
        Assert.Equal("My-App-Service.default.svc.cluster.local", answer.Name); // the pointer to the question as the client spelled it
        Assert.Equal(1, answer.Type);
        Assert.Equal(5u, answer.Ttl);
        Assert.Equal("10.43.0.20", DnsPackets.Address(answer.Data));
    }

    [Fact]
    public void Respond_NamedPort_Srv()
    {
        var response = Ask(DnsPackets.Query("_http._tcp.my-app-service.default.svc.cluster.local", 33));

        Assert.Equal("0 100 80 my-app-service.default.svc.cluster.local", DnsPackets.Srv(Assert.Single(response.Answers).Data));
    }

    [Fact]
    public void Respond_Headless_ReadyAddressesOnly_AndEachEndpointByName()
    {
        var all = Ask(DnsPackets.Query("pg.db.svc.cluster.local", 1));
        var byHostname = Ask(DnsPackets.Query("pg-0.pg.db.svc.cluster.local", 1));
        var byDashedIp = Ask(DnsPackets.Query("10-42-1-9.pg.db.svc.cluster.local", 1));
        var srv = Ask(DnsPackets.Query("_sql._tcp.pg.db.svc.cluster.local", 33));

        Assert.Equal(["10.42.1.7", "10.42.1.9"], all.Answers.Select(a => DnsPackets.Address(a.Data)));
        Assert.Equal("10.42.1.7", DnsPackets.Address(Assert.Single(byHostname.Answers).Data));
        Assert.Equal("10.42.1.9", DnsPackets.Address(Assert.Single(byDashedIp.Answers).Data));
        Assert.Equal(["0 100 5432 pg-0.pg.db.svc.cluster.local", "0 100 5432 10-42-1-9.pg.db.svc.cluster.local"], srv.Answers.Select(a => DnsPackets.Srv(a.Data)));
    }

    [Fact]
    public void Respond_ExternalName_Cname()
    {
        var response = Ask(DnsPackets.Query("alias.default.svc.cluster.local", 1));

        var answer = Assert.Single(response.Answers);
        Assert.Equal(5, answer.Type);
        var offset = 0;
        Assert.Equal("db.example.org", DnsPackets.ReadName(answer.Data, ref offset));
    }

    [Fact]
    public void Respond_PodName_TheDashedAddress()
    {
        var response = Ask(DnsPackets.Query("10-42-3-4.default.pod.cluster.local", 1));

        Assert.Equal("10.42.3.4", DnsPackets.Address(Assert.Single(response.Answers).Data));
    }

    [Theory]
    [InlineData("nothing.default.svc.cluster.local")]
    [InlineData("my-app-service.other.svc.cluster.local")]
    [InlineData("300-1-1-1.default.pod.cluster.local")]
    [InlineData("cluster.local")]
    public void Respond_UnknownClusterName_NxDomain(string name)
    {
        var response = Ask(DnsPackets.Query(name, 1));

        Assert.Equal(3, response.ResponseCode);
        Assert.Empty(response.Answers);
    }

    [Fact]
    public void Respond_KnownNameOtherType_NoErrorNoData()
    {
        var response = Ask(DnsPackets.Query("my-app-service.default.svc.cluster.local", 28));

        Assert.Equal(0, response.ResponseCode);
        Assert.Empty(response.Answers);
    }

    [Fact]
    public void Respond_NameOutsideTheCluster_RefusedWithoutUpstream_ForwardedWithOne()
    {
        var refused = Ask(DnsPackets.Query("example.org", 1));
        var forwarded = DnsResponder.Respond(DnsPackets.Query("example.org", 1), new byte[DnsResponder.BufferBytes], Zone, forwarding: true, out _, out _);

        Assert.Equal(5, refused.ResponseCode);
        Assert.Equal(-1, forwarded);
    }

    [Fact]
    public void Respond_Edns_OptRecordEchoed()
    {
        var response = Ask(DnsPackets.Query("my-app-service.default.svc.cluster.local", 1, edns: true));

        Assert.Single(response.Answers);
        Assert.Equal(1, response.Additional);
    }

    public static TheoryData<string, byte[]> Malformed => new()
    {
        { "two questions", Patch(DnsPackets.Query("a.b", 1), 5, 2) },
        { "an answer record in a query", Patch(DnsPackets.Query("a.b", 1), 7, 1) },
        { "a label longer than the packet", Patch(DnsPackets.Query("a.b", 1), 12, 60) },
        { "a compression pointer", [.. DnsPackets.Query("a.b", 1)[..12], 0xC0, 0x0C, 0, 1, 0, 1] },
        { "a label of 64 bytes", DnsPackets.Query(new string('a', 64) + ".b", 1) },
        { "a name of 300 bytes", DnsPackets.Query(string.Join('.', Enumerable.Repeat(new string('a', 60), 5)), 1) },
        { "a control character in a label", DnsPackets.Query("a\u0001b.c", 1) },
        { "no type after the name", DnsPackets.Query("a.b", 1)[..^3] },
        { "trailing bytes", [.. DnsPackets.Query("a.b", 1), 0] },
        { "600 bytes", [.. DnsPackets.Query("a.b", 1), .. new byte[600]] },
        { "an OPT record of another type", Patch(DnsPackets.Query("a.b", 1, edns: true), 22, 42) },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void Respond_Malformed_FormErrWithTheId(string what, byte[] packet)
    {
        var buffer = new byte[DnsResponder.BufferBytes];
        var length = DnsResponder.Respond(packet, buffer, Zone, forwarding: false, out _, out var code);

        Assert.True(length == 12, what);
        Assert.Equal(1, code);
        var response = DnsPackets.Read(buffer.AsSpan(0, length));
        Assert.Equal(0x1234, response.Id);
        Assert.Equal(1, response.ResponseCode);
    }

    [Fact]
    public void Respond_TooShortOrAResponse_Dropped()
    {
        var response = DnsPackets.Query("a.b", 1);
        response[2] |= 0x80;

        Assert.Equal(0, DnsResponder.Respond(new byte[11], new byte[DnsResponder.BufferBytes], Zone, false, out _, out _));
        Assert.Equal(0, DnsResponder.Respond(response, new byte[DnsResponder.BufferBytes], Zone, false, out _, out _));
    }

    [Fact]
    public void Respond_OtherOpcode_NotImp()
    {
        var packet = DnsPackets.Query("a.b", 1);
        packet[2] |= 0x10; // opcode 2 (STATUS)

        Assert.Equal(4, Ask(packet).ResponseCode);
    }

    [Fact]
    public void Respond_HeadlessWithManyEndpoints_TruncatedToFit()
    {
        var endpoints = Enumerable.Range(1, 200).Select(i => ($"10.42.2.{i}", true, (string?)null)).ToArray();
        var zone = ClusterDnsZone.Build("cluster.local", [Service("default", "many", "None")], [Slice("default", "many", endpoints)]);
        var buffer = new byte[DnsResponder.BufferBytes];

        var length = DnsResponder.Respond(DnsPackets.Query("many.default.svc.cluster.local", 1), buffer, zone, false, out _, out _);
        var response = DnsPackets.Read(buffer.AsSpan(0, length));

        Assert.True(length <= 512);
        Assert.True(response.Truncated);
        Assert.InRange(response.Answers.Count, 20, 199);
    }

    [Fact]
    public void Respond_HeadlessWithManyEndpointsOverTcp_AllOfThemNotTruncated()
    {
        var endpoints = Enumerable.Range(1, 200).Select(i => ($"10.42.2.{i}", true, (string?)null)).ToArray();
        var zone = ClusterDnsZone.Build("cluster.local", [Service("default", "many", "None")], [Slice("default", "many", endpoints)]);
        var buffer = new byte[DnsWire.MaxTcpResponseBytes];

        var length = DnsResponder.Respond(DnsPackets.Query("many.default.svc.cluster.local", 1), buffer, zone, false, out _, out _, tcp: true);
        var response = DnsPackets.Read(buffer.AsSpan(0, length));

        Assert.False(response.Truncated);
        Assert.Equal(200, response.Answers.Count);
    }

    private static byte[] Patch(byte[] packet, int index, byte value)
    {
        packet[index] = value;
        return packet;
    }
}
