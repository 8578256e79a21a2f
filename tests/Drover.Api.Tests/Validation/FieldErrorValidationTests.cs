namespace Drover.Api.Tests;

public class FieldErrorValidationTests
{
    [Theory]
    [InlineData("spec.replicas", FieldErrorType.Invalid, "-1", "must be greater than or equal to 0", "spec.replicas: Invalid value: -1: must be greater than or equal to 0")]
    [InlineData("spec.strategy.type", FieldErrorType.NotSupported, "\"Blue\"", "supported values: \"Recreate\", \"RollingUpdate\"", "spec.strategy.type: Unsupported value: \"Blue\": supported values: \"Recreate\", \"RollingUpdate\"")]
    [InlineData("metadata.name", FieldErrorType.Required, null, "name or generateName is required", "metadata.name: Required value: name or generateName is required")]
    [InlineData("spec.ports", FieldErrorType.Required, null, "", "spec.ports: Required value")]
    [InlineData("spec.containers[1].name", FieldErrorType.Duplicate, "\"app\"", "", "spec.containers[1].name: Duplicate value: \"app\"")]
    [InlineData("data", FieldErrorType.TooLong, null, "may not be more than 1048576 bytes", "data: Too long: may not be more than 1048576 bytes")]
    [InlineData("spec.rollingUpdate", FieldErrorType.Forbidden, null, "may not be specified", "spec.rollingUpdate: Forbidden: may not be specified")]
    [InlineData("spec.items", FieldErrorType.TooMany, "3", "must have at most 2 items", "spec.items: Too many: 3: must have at most 2 items")]
    public void ToString_EachErrorType_ReadsAsKubernetes(string field, FieldErrorType type, string? value, string detail, string expected)
    {
        Assert.Equal(expected, new FieldError(field, type, value, detail).ToString());
    }

    [Fact]
    public void Quote_ControlCharactersAndQuotes_EscapesAsGo()
    {
        Assert.Equal("\"a\\\"b\\\\c\\n\\x01\"", ErrorList.Quote("a\"b\\c\n\u0001"));
    }
}
