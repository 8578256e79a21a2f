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
}
