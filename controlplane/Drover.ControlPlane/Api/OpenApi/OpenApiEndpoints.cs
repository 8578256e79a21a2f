namespace Drover.ControlPlane.Api.OpenApi;

/// <summary>
/// GET /openapi/v2 (gnostic protobuf when asked for it, as client-go always does; JSON otherwise), /openapi/v3 (the index
/// of group versions with their hashes) and /openapi/v3/api/v1, /openapi/v3/apis/GROUP/VERSION. Documents are built
/// once; the hash in the index changes only when droverd's types do, so clients may cache them.
/// </summary>
public sealed class OpenApiEndpoints
{
    /// <summary>The protobuf media type kube-openapi answers with. Go's mime parser refuses the '@' of the older name.</summary>
    public const string ProtobufV2 = "application/com.github.proto-openapi.spec.v2.v1.0+protobuf";

    /// <summary>The older name, which client-go's discovery still asks for (kube-openapi accepts both).</summary>
    public const string ProtobufV2Deprecated = "application/com.github.proto-openapi.spec.v2@v1.0+protobuf";

    public Task HandleAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var request = context.Request;
        if (!HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method))
            return ResponseWriter.WriteStatusAsync(context, Drover.Api.ApiErrors.MethodNotAllowed(request.Method, request.Path.Value ?? ""));
        var path = (request.Path.Value ?? "").TrimEnd('/');
        var documents = OpenApiDocuments.Served;
        if (path == "/openapi/v2")
        {
            var protobuf = MediaRange.ParseAccept(request).Any(r => r.Type is ProtobufV2 or ProtobufV2Deprecated);
            return protobuf
                ? WriteAsync(context, documents.V2Protobuf, ProtobufV2)
                : WriteAsync(context, documents.V2Json, "application/json");
        }
        if (path == "/openapi/v3")
            return WriteAsync(context, documents.V3Index, "application/json");
        if (path.StartsWith("/openapi/v3/", StringComparison.Ordinal) && documents.V3(path["/openapi/v3/".Length..]) is { } doc)
        {
            context.Response.Headers.ETag = "\"" + doc.Hash + "\"";
            return WriteAsync(context, doc.Json, "application/json");
        }
        return ResponseWriter.WriteStatusAsync(context, Drover.Api.ApiErrors.PathNotFound(request.Path.Value ?? ""));
    }

    private static async Task WriteAsync(HttpContext context, byte[] body, string contentType)
    {
        context.Response.StatusCode = 200;
        context.Response.ContentType = contentType;
        context.Response.Headers.Vary = "Accept";
        context.Response.ContentLength = body.Length;
        if (!HttpMethods.IsHead(context.Request.Method))
            await context.Response.Body.WriteAsync(body, context.RequestAborted).ConfigureAwait(false);
    }
}
