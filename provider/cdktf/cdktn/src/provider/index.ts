// https://registry.terraform.io/providers/tessera/tessera/latest/docs
// generated from terraform resource schema

import { Construct } from 'constructs';
import * as cdktn from 'cdktn';

// Configuration

export interface TesseraProviderConfig {
  /**
  * The Tessera token the provider authenticates with: a personal access token (`tspat_…`) or a service account's token (`tssvc_…`, for CI). Defaults to the `TESSERA_API_TOKEN` environment variable. Personal access tokens the provider creates belong to this token's user; with a service-account token, the personal-token resources fail at plan (service accounts cannot own personal tokens), and what the provider may do is what the service account's teams' roles allow.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/tessera/tessera/latest/docs#api_token TesseraProvider#api_token}
  */
  readonly apiToken?: string;
  /**
  * Base URL of the Tessera API, e.g. `http://127.0.0.1:8080`. Defaults to the `TESSERA_ENDPOINT` environment variable.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/tessera/tessera/latest/docs#endpoint TesseraProvider#endpoint}
  */
  readonly endpoint?: string;
  /**
  * The longest one provider operation (configuring, reading, creating or revoking a token) may spend on the Tessera API, every retry and wait included, as a duration such as `"60s"`, `"2m"` or `"1m30s"` (1s–1h). Defaults to the `TESSERA_REQUEST_TIMEOUT` environment variable, else `"60s"`. Each attempt waits at most 30 s for an answer; failures that retrying cannot fix (e.g. `https://` against a plain-HTTP server) end at once. When the deadline passes, the error names the time spent and the attempts made.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/tessera/tessera/latest/docs#request_timeout TesseraProvider#request_timeout}
  */
  readonly requestTimeout?: string;
  /**
  * Alias name
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/tessera/tessera/latest/docs#alias TesseraProvider#alias}
  */
  readonly alias?: string;
}

/**
* Represents a {@link https://registry.terraform.io/providers/tessera/tessera/latest/docs tessera}
*/
export class TesseraProvider extends cdktn.TerraformProvider {

  // =================
  // STATIC PROPERTIES
  // =================
  public static readonly tfResourceType = "tessera";

  // ==============
  // STATIC Methods
  // ==============
  /**
  * Generates CDKTN code for importing a TesseraProvider resource upon running "cdktn plan <stack-name>"
  * @param scope The scope in which to define this construct
  * @param importToId The construct id used in the generated config for the TesseraProvider to import
  * @param importFromId The id of the existing TesseraProvider that should be imported. Refer to the {@link https://registry.terraform.io/providers/tessera/tessera/latest/docs#import import section} in the documentation of this resource for the id to use
  * @param provider? Optional instance of the provider where the TesseraProvider to import is found
  */
  public static generateConfigForImport(scope: Construct, importToId: string, importFromId: string, provider?: cdktn.TerraformProvider) {
        return new cdktn.ImportableResource(scope, importToId, { terraformResourceType: "tessera", importId: importFromId, provider });
      }

  // ===========
  // INITIALIZER
  // ===========

  /**
  * Create a new {@link https://registry.terraform.io/providers/tessera/tessera/latest/docs tessera} Resource
  *
  * @param scope The scope in which to define this construct
  * @param id The scoped construct ID. Must be unique amongst siblings in the same scope
  * @param options TesseraProviderConfig = {}
  */
  public constructor(scope: Construct, id: string, config: TesseraProviderConfig = {}) {
    super(scope, id, {
      terraformResourceType: 'tessera',
      terraformGeneratorMetadata: {
        providerName: 'tessera',
        providerVersionConstraint: '~> 0.1'
      },
      terraformProviderSource: 'tessera/tessera'
    });
    this._apiToken = config.apiToken;
    this._endpoint = config.endpoint;
    this._requestTimeout = config.requestTimeout;
    this._alias = config.alias;
  }

  // ==========
  // ATTRIBUTES
  // ==========

  // api_token - computed: false, optional: true, required: false
  private _apiToken?: string; 
  public get apiToken() {
    return this._apiToken;
  }
  public set apiToken(value: string | undefined) {
    this._apiToken = value;
  }
  public resetApiToken() {
    this._apiToken = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get apiTokenInput() {
    return this._apiToken;
  }

  // endpoint - computed: false, optional: true, required: false
  private _endpoint?: string; 
  public get endpoint() {
    return this._endpoint;
  }
  public set endpoint(value: string | undefined) {
    this._endpoint = value;
  }
  public resetEndpoint() {
    this._endpoint = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get endpointInput() {
    return this._endpoint;
  }

  // request_timeout - computed: false, optional: true, required: false
  private _requestTimeout?: string; 
  public get requestTimeout() {
    return this._requestTimeout;
  }
  public set requestTimeout(value: string | undefined) {
    this._requestTimeout = value;
  }
  public resetRequestTimeout() {
    this._requestTimeout = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get requestTimeoutInput() {
    return this._requestTimeout;
  }

  // alias - computed: false, optional: true, required: false
  private _alias?: string; 
  public get alias() {
    return this._alias;
  }
  public set alias(value: string | undefined) {
    this._alias = value;
  }
  public resetAlias() {
    this._alias = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get aliasInput() {
    return this._alias;
  }

  // =========
  // SYNTHESIS
  // =========

  protected synthesizeAttributes(): { [name: string]: any } {
    return {
      api_token: cdktn.stringToTerraform(this._apiToken),
      endpoint: cdktn.stringToTerraform(this._endpoint),
      request_timeout: cdktn.stringToTerraform(this._requestTimeout),
      alias: cdktn.stringToTerraform(this._alias),
    };
  }

  protected synthesizeHclAttributes(): { [name: string]: any } {
    const attrs = {
      api_token: {
        value: cdktn.stringToHclTerraform(this._apiToken),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      endpoint: {
        value: cdktn.stringToHclTerraform(this._endpoint),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      request_timeout: {
        value: cdktn.stringToHclTerraform(this._requestTimeout),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      alias: {
        value: cdktn.stringToHclTerraform(this._alias),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
    };

    // remove undefined attributes
    return Object.fromEntries(Object.entries(attrs).filter(([_, value]) => value !== undefined && value.value !== undefined ))
  }
}
