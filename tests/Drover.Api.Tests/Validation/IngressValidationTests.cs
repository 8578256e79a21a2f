namespace Drover.Api.Tests;

public class IngressValidationTests
{
    private const string Path0 = "spec.rules[0].http.paths[0].";
    private const string Host = "    - host: api.example.com";
    private const string PathType = "            pathType: Prefix\n";
    private const string Number = "                  number: 80";
    private const string Rules = "spec:\n  rules:";

    [Theory]
    [InlineData(PathType, "            pathType: Regex\n", Path0 + "pathType", FieldErrorType.NotSupported)]
    [InlineData(PathType, "", Path0 + "pathType", FieldErrorType.Required)]
    [InlineData("          - path: /users", "          - path: users", Path0 + "path", FieldErrorType.Invalid)]
    [InlineData("          - path: /users", "          - path: /users//x", Path0 + "path", FieldErrorType.Invalid)]
    [InlineData("          - path: /users", "          - path: /users/..", Path0 + "path", FieldErrorType.Invalid)]
    [InlineData("          - path: /users\n" + PathType, "          - path: users\n            pathType: ImplementationSpecific\n", Path0 + "path", FieldErrorType.Invalid)]
    [InlineData(Host, "    - host: 10.0.0.1", "spec.rules[0].host", FieldErrorType.Invalid)]
    [InlineData(Host, "    - host: API.example.com", "spec.rules[0].host", FieldErrorType.Invalid)]
    [InlineData(Host, "    - host: foo.*.example.com", "spec.rules[0].host", FieldErrorType.Invalid)]
    [InlineData(Number, "                  number: 70000", Path0 + "backend.service.port.number", FieldErrorType.Invalid)]
    [InlineData(Number, Number + "\n                  name: http", Path0 + "backend", FieldErrorType.Invalid)]
    [InlineData(Number, "                  name: Bad_Port", Path0 + "backend.service.port.name", FieldErrorType.Invalid)]
    [InlineData(Number, "                  number: 0", Path0 + "backend", FieldErrorType.Required)]
    [InlineData("                name: user-service\n", "", Path0 + "backend.service.name", FieldErrorType.Required)]
    [InlineData("                name: user-service", "                name: User_Service", Path0 + "backend.service.name", FieldErrorType.Invalid)]
    [InlineData("            backend:\n              service:\n                name: user-service\n                port:\n                  number: 80\n", "            backend: {}\n", Path0 + "backend", FieldErrorType.Invalid)]
    [InlineData(Rules, "spec:\n  tls:\n    - hosts: [\"bad_host\"]\n      secretName: tls\n  rules:", "spec.tls[0].hosts[0]", FieldErrorType.Invalid)]
    [InlineData(Rules, "spec:\n  tls:\n    - hosts: [api.example.com]\n      secretName: Bad_Secret\n  rules:", "spec.tls[0].secretName", FieldErrorType.Invalid)]
    [InlineData(Rules, "spec:\n  ingressClassName: Bad_Class\n  rules:", "spec.ingressClassName", FieldErrorType.Invalid)]
    [InlineData(Rules, "spec:\n  defaultBackend:\n    service:\n      name: fallback\n  rules:", "spec.defaultBackend", FieldErrorType.Required)]
    public void Validate_InvalidIngressVariant_ReportsFieldPath(string find, string replace, string field, FieldErrorType type)
    {
        var errors = Manifests.DefaultAndValidate(Manifests.Patch(Manifests.Ingress, find, replace));

        Manifests.AssertError(errors, field, type);
    }

    [Theory]
    [InlineData("*.example.com")]
    [InlineData("example.com")]
    public void Validate_WildcardOrPlainHost_IsAccepted(string host)
    {
        var yaml = Manifests.Patch(Manifests.Ingress, Host, "    - host: \"" + host + "\"");

        Manifests.AssertNoErrors(Manifests.DefaultAndValidate(yaml));
    }

    [Fact]
    public void Validate_NoRulesAndNoDefaultBackend_ReportsSpec()
    {
        var ingress = new Ingress { Metadata = new ObjectMeta { Name = "empty" }, Spec = new IngressSpec { Rules = [] } };

        var error = Assert.Single(ObjectValidator.Validate(ingress));

        Assert.Equal("spec", error.Field);
        Assert.Equal(FieldErrorType.Invalid, error.Type);
    }

    [Fact]
    public void Validate_IngressClassControllerWithoutDomain_ReportsController()
    {
        var ingressClass = new IngressClass { Metadata = new ObjectMeta { Name = "drover" }, Spec = new IngressClassSpec { Controller = "drover" } };

        var error = Assert.Single(ObjectValidator.Validate(ingressClass));

        Assert.Equal("spec.controller", error.Field);
        Assert.Equal(FieldErrorType.Invalid, error.Type);
    }

    [Fact]
    public void Validate_IngressClassWithoutController_ReportsRequired()
    {
        var ingressClass = new IngressClass { Metadata = new ObjectMeta { Name = "drover" } };

        var error = Assert.Single(ObjectValidator.Validate(ingressClass));

        Assert.Equal("spec.controller: Required value", error.ToString());
    }

    [Fact]
    public void Validate_IngressClassWithDomainPrefixedController_IsAccepted()
    {
        var ingressClass = new IngressClass { Metadata = new ObjectMeta { Name = "drover" }, Spec = new IngressClassSpec { Controller = "drover.dev/ingress" } };

        Manifests.AssertNoErrors(ObjectValidator.Validate(ingressClass));
    }
}
