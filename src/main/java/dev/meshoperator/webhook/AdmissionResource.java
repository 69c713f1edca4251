package dev.meshoperator.webhook;

import dev.meshoperator.config.OperatorConfig;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** The admission.k8s.io/v1 endpoint the apiserver calls for every pod it creates. */
@Path("/inject")
public class AdmissionResource {

  private final AdmissionHandler handler;
  private final OperatorConfig config;

  public AdmissionResource(AdmissionHandler handler, OperatorConfig config) {
    this.handler = handler;
    this.config = config;
  }

  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  @Produces(MediaType.APPLICATION_JSON)
  public Response review(byte[] body) {
    if (body == null || body.length == 0) {
      return Response.status(Response.Status.BAD_REQUEST)
          .type(MediaType.TEXT_PLAIN)
          .entity("empty body: expected an AdmissionReview")
          .build();
    }
    if (body.length > config.webhook().maxBodyBytes()) {
      return Response.status(Response.Status.BAD_REQUEST)
          .type(MediaType.TEXT_PLAIN)
          .entity("body of " + body.length + " bytes exceeds " + config.webhook().maxBodyBytes())
          .build();
    }
    return Response.ok(handler.review(body).toString()).build();
  }
}
