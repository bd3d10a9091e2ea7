using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace ToolCatalog.Api.Selection;

/// <summary>The OpenAPI examples of the select request and response (the response is abridged from a real run).</summary>
public static class SelectionExamples
{
    public static Task Apply(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        if (operation.RequestBody?.Content is { } requestContent)
        {
            foreach (var media in requestContent.Values)
            {
                media.Example = Request();
            }
        }
        if (operation.Responses?.TryGetValue("200", out var ok) == true && ok.Content is { } responseContent)
        {
            foreach (var media in responseContent.Values)
            {
                media.Example = Response();
            }
        }
        return Task.CompletedTask;
    }

    public static JsonNode Request() => JsonNode.Parse("""
        {
          "capabilities": ["service_management"],
          "query": "restart nginx quickly on web-01",
          "variables": { "N": 1 },
          "environment": "production",
          "platform": "linux",
          "constraints": { "max_cost": 5, "max_time_ms": 60000, "require_production_safe": false },
          "top_k": 5
        }
        """)!;

    public static JsonNode Response() => JsonNode.Parse("""
        {
          "revision": 42,
          "mode": { "name": "fast", "source": "query", "confidence": 0.8, "keywords": ["quickly"],
                    "weights": { "time": 0.4, "cost": 0.15, "complexity": 0.15, "accuracy": 0.15, "completeness": 0.15 } },
          "capabilities": [ { "requested": "service_management", "capability": "service_management", "alias_applied": null, "candidate_patterns": 2 } ],
          "candidates": [ {
            "rank": 1, "tool": "systemctl", "version": "1.0.0", "capability": "service_management", "pattern": "restart_service",
            "function_name": "systemctl__service_management__restart_service", "score": 0.72,
            "features": [ { "name": "time", "raw": 2000, "normalised": 0.479725, "weight": 0.4, "contribution": 0.19189, "defaulted": false, "note": null } ],
            "estimates": { "time_ms": 2000, "cost": 0.01 },
            "variables": [ { "name": "N", "value": 1, "source": "request" } ],
            "execution_mode": "approval_required", "sla_class": "batch", "requires_approval": true,
            "policy": [ { "rule": "max_cost", "outcome": "pass", "reason": "cost 0.01 within max_cost 1 (the pattern's)" },
                        { "rule": "requires_approval", "outcome": "approval", "reason": "requires approval before it runs" } ],
            "justification": "#1 systemctl service_management/restart_service: score 0.72 in fast mode, ..."
          } ],
          "excluded": [ { "tool": "svcadm", "version": "1.2.0", "capability": "service_management", "pattern": "restart",
                          "function_name": "svcadm__service_management__restart", "reasons": ["platform is solaris, not linux"] } ],
          "ambiguous": false, "clarifying_question": null, "differing_feature": null, "options": null, "hint": null
        }
        """)!;
}
