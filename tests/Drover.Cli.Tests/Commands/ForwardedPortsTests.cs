using Drover.Api;
using Drover.Cli.Commands;

namespace Drover.Cli.Commands.Tests;

/// <summary>port-forward's [LOCAL:]REMOTE as kubectl maps them: named ports, a Service port to its targetPort, UDP refused.</summary>
public sealed class ForwardedPortsTests
{
    private static readonly Pod Web = new()
    {
        Metadata = new ObjectMeta { Name = "web-1" },
        Spec = new PodSpec
        {
            Containers =
            [
                new Container { Name = "app", Image = "x", Ports = [new ContainerPort { Name = "http", Port = 3000 }, new ContainerPort { Name = "dns", Port = 53, Protocol = "UDP" }] },
                new Container { Name = "metrics", Image = "x", Ports = [new ContainerPort { Name = "prom", Port = 9100 }] },
            ],
        },
    };

    private static readonly Service Svc = new()
    {
        Metadata = new ObjectMeta { Name = "web" },
        Spec = new ServiceSpec
        {
            ClusterIP = "10.43.0.10",
            Ports =
            [
                new ServicePort { Name = "web", Port = 80, TargetPort = "http" },
                new ServicePort { Name = "metrics", Port = 9000, TargetPort = 9100 },
                new ServicePort { Name = "same", Port = 7000 },
                new ServicePort { Name = "dns", Port = 53, Protocol = "UDP", TargetPort = 53 },
            ],
        },
    };

    private static List<(int, int)> Resolve(Service? service, params string[] ports) => ForwardedPorts.Resolve(ports, Web, service);

    private static string Refused(Service? service, params string[] ports) => Assert.Throws<CliException>(() => Resolve(service, ports)).Message;

    [Fact]
    public void Pod_NumbersAndNames()
    {
        Assert.Equal([(8080, 3000), (3000, 3000), (0, 3000), (9100, 9100), (5000, 9100)], Resolve(null, "8080:3000", "http", ":http", "prom", "5000:prom"));
    }

    [Fact]
    public void Service_PortForwardsToTargetPort_KeepingTheServicePortLocally()
    {
        Assert.Equal([(80, 3000), (80, 3000), (8080, 3000), (0, 3000), (9000, 9100), (7000, 7000)], Resolve(Svc, "80", "web", "8080:80", ":web", "metrics", "7000"));
    }

    [Fact]
    public void Service_HeadlessForwardsTheSamePort()
    {
        var headless = Svc with { Spec = Svc.Spec with { ClusterIP = "None" } };
        Assert.Equal([(80, 80)], Resolve(headless, "80"));
    }

    [Fact]
    public void Refusals_InKubectlsWords()
    {
        Assert.Equal("error: Pod 'web-1' does not have a named port 'grpc'", Refused(null, "grpc"));
        Assert.Equal("error: Service 'web' does not have a named port 'grpc'", Refused(Svc, "grpc"));
        Assert.Equal("error: Service web does not have a service port 81", Refused(Svc, "81"));
        Assert.Equal("error: UDP protocol is not supported for 53", Refused(Svc, "53"));
        Assert.Equal("error: UDP protocol is not supported for dns", Refused(null, "dns"));
        Assert.Equal("error: invalid port format '1:2:3'", Refused(null, "1:2:3"));
        Assert.Contains("Error parsing local port '70000'", Refused(null, "70000"), StringComparison.Ordinal);
        Assert.Contains("Error parsing local port 'x:3000'", Refused(null, "x:3000"), StringComparison.Ordinal);
    }
}
