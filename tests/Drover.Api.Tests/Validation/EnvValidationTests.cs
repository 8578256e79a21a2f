namespace Drover.Api.Tests;

public sealed class EnvValidationTests
{
    private static IReadOnlyList<FieldError> Validate(List<EnvVar>? env = null, List<EnvFromSource>? envFrom = null) =>
        ObjectValidator.Validate(new Pod
        {
            ApiVersion = "v1",
            Kind = "Pod",
            Metadata = new ObjectMeta { Name = "p", Namespace = "default" },
            Spec = new PodSpec { Containers = [new Container { Name = "app", Image = "my-app:v1.0", Env = env, EnvFrom = envFrom }] },
        });

    private static EnvVar From(EnvVarSource source) => new() { Name = "V", ValueFrom = source };

    [Fact]
    public void Validate_EveryReference_Accepted()
    {
        var errors = Validate(
            [
                From(new EnvVarSource { ConfigMapKeyRef = new ConfigMapKeySelector { Name = "cfg", Key = "mode" } }),
                From(new EnvVarSource { SecretKeyRef = new SecretKeySelector { Name = "creds", Key = "password", Optional = true } }),
                From(new EnvVarSource { FieldRef = new ObjectFieldSelector { FieldPath = "status.podIP" } }),
                From(new EnvVarSource { FieldRef = new ObjectFieldSelector { FieldPath = "metadata.labels['app']" } }),
                From(new EnvVarSource { ResourceFieldRef = new ResourceFieldSelector { Resource = "limits.memory", Divisor = Quantity.Parse("1Mi") } }),
            ],
            [new EnvFromSource { Prefix = "CFG_", ConfigMapRef = new ConfigMapEnvSource { Name = "cfg" } }, new EnvFromSource { SecretRef = new SecretEnvSource { Name = "creds" } }]);
        Assert.Empty(errors);
    }

    [Theory]
    [InlineData("no source", "spec.containers[0].env[0].valueFrom", FieldErrorType.Invalid)]
    [InlineData("two sources", "spec.containers[0].env[0].valueFrom", FieldErrorType.Invalid)]
    [InlineData("value and valueFrom", "spec.containers[0].env[0].valueFrom", FieldErrorType.Invalid)]
    [InlineData("configMap without name", "spec.containers[0].env[0].valueFrom.configMapKeyRef.name", FieldErrorType.Required)]
    [InlineData("secret without key", "spec.containers[0].env[0].valueFrom.secretKeyRef.key", FieldErrorType.Required)]
    [InlineData("bad key", "spec.containers[0].env[0].valueFrom.secretKeyRef.key", FieldErrorType.Invalid)]
    [InlineData("field path", "spec.containers[0].env[0].valueFrom.fieldRef.fieldPath", FieldErrorType.NotSupported)]
    [InlineData("field api version", "spec.containers[0].env[0].valueFrom.fieldRef.apiVersion", FieldErrorType.NotSupported)]
    [InlineData("label subscript", "spec.containers[0].env[0].valueFrom.fieldRef.fieldPath", FieldErrorType.Invalid)]
    [InlineData("resource", "spec.containers[0].env[0].valueFrom.resourceFieldRef.resource", FieldErrorType.NotSupported)]
    [InlineData("resource container", "spec.containers[0].env[0].valueFrom.resourceFieldRef.containerName", FieldErrorType.NotFound)]
    [InlineData("divisor", "spec.containers[0].env[0].valueFrom.resourceFieldRef.divisor", FieldErrorType.Invalid)]
    public void Validate_BadEnvSource_RefusedNamingTheField(string scenario, string field, FieldErrorType type)
    {
        var env = scenario switch
        {
            "no source" => From(new EnvVarSource()),
            "two sources" => From(new EnvVarSource { ConfigMapKeyRef = new() { Name = "a", Key = "k" }, SecretKeyRef = new() { Name = "b", Key = "k" } }),
            "value and valueFrom" => From(new EnvVarSource { ConfigMapKeyRef = new() { Name = "a", Key = "k" } }) with { Value = "x" },
            "configMap without name" => From(new EnvVarSource { ConfigMapKeyRef = new() { Key = "k" } }),
            "secret without key" => From(new EnvVarSource { SecretKeyRef = new() { Name = "s" } }),
            "bad key" => From(new EnvVarSource { SecretKeyRef = new() { Name = "s", Key = "a/b" } }),
            "field path" => From(new EnvVarSource { FieldRef = new() { FieldPath = "spec.containers" } }),
            "field api version" => From(new EnvVarSource { FieldRef = new() { ApiVersion = "v2", FieldPath = "metadata.name" } }),
            "label subscript" => From(new EnvVarSource { FieldRef = new() { FieldPath = "metadata.labels['-bad-']" } }),
            "resource" => From(new EnvVarSource { ResourceFieldRef = new() { Resource = "limits.gpu" } }),
            "resource container" => From(new EnvVarSource { ResourceFieldRef = new() { ContainerName = "other", Resource = "limits.cpu" } }),
            "divisor" => From(new EnvVarSource { ResourceFieldRef = new() { Resource = "limits.cpu", Divisor = Quantity.Zero } }),
            _ => throw new ArgumentOutOfRangeException(nameof(scenario)),
        };

        var errors = Validate([env]);

        Assert.Contains(errors, e => e.Field == field && e.Type == type);
    }

    [Theory]
    [InlineData("none", "spec.containers[0].envFrom[0]", FieldErrorType.Invalid)]
    [InlineData("both", "spec.containers[0].envFrom[0]", FieldErrorType.Invalid)]
    [InlineData("prefix", "spec.containers[0].envFrom[0].prefix", FieldErrorType.Invalid)]
    [InlineData("no name", "spec.containers[0].envFrom[0].secretRef.name", FieldErrorType.Required)]
    public void Validate_BadEnvFrom_RefusedNamingTheField(string scenario, string field, FieldErrorType type)
    {
        var from = scenario switch
        {
            "none" => new EnvFromSource(),
            "both" => new EnvFromSource { ConfigMapRef = new() { Name = "a" }, SecretRef = new() { Name = "b" } },
            "prefix" => new EnvFromSource { Prefix = "1BAD", ConfigMapRef = new() { Name = "a" } },
            "no name" => new EnvFromSource { SecretRef = new() },
            _ => throw new ArgumentOutOfRangeException(nameof(scenario)),
        };

        var errors = Validate(envFrom: [from]);

        Assert.Contains(errors, e => e.Field == field && e.Type == type);
    }

    [Fact]
    public void Validate_TooManyEnvVars_RefusedNamingTheLimit()
    {
        var errors = Validate([.. Enumerable.Range(0, EnvValidation.MaxEnv + 1).Select(i => new EnvVar { Name = "V" + i, Value = "x" })]);

        Assert.Contains(errors, e => e.Field == "spec.containers[0].env" && e.Type == FieldErrorType.TooMany);
    }
}
