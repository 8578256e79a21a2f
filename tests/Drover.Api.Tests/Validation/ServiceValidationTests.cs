namespace Drover.Api.Tests;

public class ServiceValidationTests
{
    private const string TargetPort = "      targetPort: 3000\n";
    private const string Type = "  type: ClusterIP";
    private const string Name = "  name: my-app-service";

    [Theory]
    [InlineData("    - port: 80", "    - port: 70000", "spec.ports[0].port", FieldErrorType.Invalid)]
    [InlineData(Type, "  type: Magic", "spec.type", FieldErrorType.NotSupported)]
    [InlineData(TargetPort, "      targetPort: Bad_Name\n", "spec.ports[0].targetPort", FieldErrorType.Invalid)]
    [InlineData(TargetPort, "      targetPort: 70000\n", "spec.ports[0].targetPort", FieldErrorType.Invalid)]
    [InlineData(TargetPort, TargetPort + "    - port: 81\n", "spec.ports[0].name", FieldErrorType.Required)]
    [InlineData(TargetPort, TargetPort + "      name: web\n    - {port: 81, name: web}\n", "spec.ports[1].name", FieldErrorType.Duplicate)]
    [InlineData(TargetPort, TargetPort + "      name: web\n    - {port: 80, name: web2}\n", "spec.ports[1]", FieldErrorType.Duplicate)]
    [InlineData(TargetPort, TargetPort + "      name: Web\n", "spec.ports[0].name", FieldErrorType.Invalid)]
    [InlineData(TargetPort, TargetPort + "      protocol: HTTP\n", "spec.ports[0].protocol", FieldErrorType.NotSupported)]
    [InlineData(TargetPort, TargetPort + "      nodePort: 30080\n", "spec.ports[0].nodePort", FieldErrorType.Forbidden)]
    [InlineData("  ports:\n    - port: 80\n" + TargetPort, "", "spec.ports", FieldErrorType.Required)]
    [InlineData(Type, Type + "\n  clusterIP: 300.1.2.3", "spec.clusterIP", FieldErrorType.Invalid)]
    [InlineData(Type, Type + "\n  clusterIP: \"10.1\"", "spec.clusterIP", FieldErrorType.Invalid)]
    [InlineData(Type, "  type: NodePort\n  clusterIP: None", "spec.clusterIP", FieldErrorType.Invalid)]
    [InlineData(Type, Type + "\n  sessionAffinity: Sticky", "spec.sessionAffinity", FieldErrorType.NotSupported)]
    [InlineData(Type, Type + "\n  sessionAffinity: ClientIP\n  sessionAffinityConfig: {clientIP: {timeoutSeconds: 0}}", "spec.sessionAffinityConfig.clientIP.timeoutSeconds", FieldErrorType.Invalid)]
    [InlineData(Type, Type + "\n  sessionAffinity: ClientIP\n  sessionAffinityConfig: {clientIP: {timeoutSeconds: 86401}}", "spec.sessionAffinityConfig.clientIP.timeoutSeconds", FieldErrorType.Invalid)]
    [InlineData(Type, Type + "\n  sessionAffinity: None\n  sessionAffinityConfig: {clientIP: {timeoutSeconds: 60}}", "spec.sessionAffinityConfig", FieldErrorType.Forbidden)]
    [InlineData(Type, Type + "\n  internalTrafficPolicy: Nearby", "spec.internalTrafficPolicy", FieldErrorType.NotSupported)]
    [InlineData(Type, "  type: NodePort\n  externalTrafficPolicy: Nearby", "spec.externalTrafficPolicy", FieldErrorType.NotSupported)]
    [InlineData(Type, Type + "\n  externalTrafficPolicy: Local", "spec.externalTrafficPolicy", FieldErrorType.Invalid)]
    [InlineData(Type, "  type: NodePort\n  externalTrafficPolicy: Local\n  healthCheckNodePort: 30100", "spec.healthCheckNodePort", FieldErrorType.Invalid)]
    [InlineData(Type, "  type: LoadBalancer\n  externalTrafficPolicy: Local\n  healthCheckNodePort: 70000", "spec.healthCheckNodePort", FieldErrorType.Invalid)]
    [InlineData(Type, "  type: ExternalName", "spec.externalName", FieldErrorType.Required)]
    [InlineData(Type, "  type: ExternalName\n  externalName: db.example.com\n  clusterIP: 10.0.0.9", "spec.clusterIP", FieldErrorType.Forbidden)]
    [InlineData("    app: my-app", "    app: \"bad value!\"", "spec.selector", FieldErrorType.Invalid)]
    // Service names are DNS-1035 labels: no leading digit, no dots.
    [InlineData(Name, "  name: 1-service", "metadata.name", FieldErrorType.Invalid)]
    [InlineData(Name, "  name: my.app.service", "metadata.name", FieldErrorType.Invalid)]
    public void Validate_InvalidServiceVariant_ReportsFieldPath(string find, string replace, string field, FieldErrorType type)
    {
        var errors = Manifests.DefaultAndValidate(Manifests.Patch(Manifests.Service, find, replace));

        Manifests.AssertError(errors, field, type);
    }

    [Theory]
    [InlineData("None")]
    [InlineData("10.96.0.10")]
    [InlineData("fd00:10:96::a")]
    public void Validate_ValidClusterIp_IsAccepted(string clusterIp)
    {
        var yaml = Manifests.Patch(Manifests.Service, Type, $"{Type}\n  clusterIP: \"{clusterIp}\"");

        Manifests.AssertNoErrors(Manifests.DefaultAndValidate(yaml));
    }

    [Fact]
    public void Validate_ExternalNameWithoutPorts_IsAccepted()
    {
        var service = new Service
        {
            Metadata = new ObjectMeta { Name = "db" },
            Spec = new ServiceSpec { Type = "ExternalName", ExternalName = "db.example.com" },
        };

        Manifests.AssertNoErrors(ObjectValidator.Validate(ObjectDefaulter.ApplyDefaults(service)));
    }

    [Theory]
    [InlineData("ClusterIP", "Cluster", null)]
    [InlineData("NodePort", "Cluster", "Cluster")]
    [InlineData("LoadBalancer", "Cluster", "Cluster")]
    [InlineData("ExternalName", null, null)]
    public void ApplyDefaults_TrafficPolicies_ClusterWhereTheTypeHasTraffic(string type, string? internalPolicy, string? externalPolicy)
    {
        var service = new Service { Metadata = new ObjectMeta { Name = "web" }, Spec = new ServiceSpec { Type = type, ExternalName = "db.example.com" } };

        var spec = ((Service)ObjectDefaulter.ApplyDefaults(service)).Spec;

        Assert.Equal(internalPolicy, spec.InternalTrafficPolicy);
        Assert.Equal(externalPolicy, spec.ExternalTrafficPolicy);
    }

    [Theory]
    [InlineData("ClientIP", null, 10800)]
    [InlineData("ClientIP", 60, 60)]
    [InlineData("None", null, null)]
    public void ApplyDefaults_SessionAffinityConfig_KubernetesTimeoutForClientIp(string affinity, int? timeout, int? expected)
    {
        var config = timeout is null ? null : new SessionAffinityConfig { ClientIP = new ClientIPConfig { TimeoutSeconds = timeout } };
        var service = new Service { Metadata = new ObjectMeta { Name = "web" }, Spec = new ServiceSpec { SessionAffinity = affinity, SessionAffinityConfig = config } };

        var spec = ((Service)ObjectDefaulter.ApplyDefaults(service)).Spec;

        Assert.Equal(expected, spec.SessionAffinityConfig?.ClientIP?.TimeoutSeconds);
    }

    [Fact]
    public void Validate_LocalPoliciesAndAffinityTimeout_Accepted()
    {
        var yaml = Manifests.Patch(Manifests.Service, Type, "  type: LoadBalancer\n  externalTrafficPolicy: Local\n  internalTrafficPolicy: Local\n  healthCheckNodePort: 30100\n"
            + "  sessionAffinity: ClientIP\n  sessionAffinityConfig: {clientIP: {timeoutSeconds: 86400}}");

        Manifests.AssertNoErrors(Manifests.DefaultAndValidate(yaml));
    }
}
