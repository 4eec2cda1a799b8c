// https://registry.terraform.io/providers/tessera/tessera/latest/docs/ephemeral-resources/personal_access_token
// generated from terraform resource schema

import { Construct } from 'constructs';
import * as cdktn from 'cdktn';

// Configuration

export interface EphemeralTesseraPersonalAccessTokenConfig extends cdktn.TerraformEphemeralMetaArguments {
  /**
  * Lifetime in whole days, within the server's token policy. Defaults to the shortest lifetime the policy allows (`min_expiration_days` of `GET /api/v1/token-policy`, 1 day unless the operator changed it). The token is revoked when the run closes it, and also when the provider is stopped or shut down (Terraform does not close ephemeral resources downstream of a failure); this lifetime bounds only what a killed run leaves: if the provider process is killed outright (SIGKILL, out of memory, power loss), nothing can revoke the token and it stays valid until it expires. A value above the minimum is honoured but only lengthens that exposure.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/tessera/tessera/latest/docs/ephemeral-resources/personal_access_token#expiration_days EphemeralTesseraPersonalAccessToken#expiration_days}
  */
  readonly expirationDays?: number;
  /**
  * A label for the token, 1–100 characters.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/tessera/tessera/latest/docs/ephemeral-resources/personal_access_token#name EphemeralTesseraPersonalAccessToken#name}
  */
  readonly name: string;
}

/**
* Represents a {@link https://registry.terraform.io/providers/tessera/tessera/latest/docs/ephemeral-resources/personal_access_token tessera_personal_access_token}
*/
export class EphemeralTesseraPersonalAccessToken extends cdktn.TerraformEphemeralResource {

  // =================
  // STATIC PROPERTIES
  // =================
  public static readonly tfResourceType = "tessera_personal_access_token";

  // ===========
  // INITIALIZER
  // ===========

  /**
  * Create a new {@link https://registry.terraform.io/providers/tessera/tessera/latest/docs/ephemeral-resources/personal_access_token tessera_personal_access_token} Ephemeral Resource
  *
  * @param scope The scope in which to define this construct
  * @param id The scoped construct ID. Must be unique amongst siblings in the same scope
  * @param options EphemeralTesseraPersonalAccessTokenConfig
  */
  public constructor(scope: Construct, id: string, config: EphemeralTesseraPersonalAccessTokenConfig) {
    super(scope, id, {
      terraformResourceType: 'tessera_personal_access_token',
      terraformGeneratorMetadata: {
        providerName: 'tessera',
        providerVersionConstraint: '~> 0.1'
      },
      provider: config.provider,
      dependsOn: config.dependsOn,
      count: config.count,
      lifecycle: config.lifecycle,
      forEach: config.forEach
    });
    this._expirationDays = config.expirationDays;
    this._name = config.name;
  }

  // ==========
  // ATTRIBUTES
  // ==========

  // created_at - computed: true, optional: false, required: false
  public get createdAt() {
    return this.getStringAttribute('created_at');
  }

  // expiration_days - computed: true, optional: true, required: false
  private _expirationDays?: number; 
  public get expirationDays() {
    return this.getNumberAttribute('expiration_days');
  }
  public set expirationDays(value: number) {
    this._expirationDays = value;
  }
  public resetExpirationDays() {
    this._expirationDays = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get expirationDaysInput() {
    return this._expirationDays;
  }

  // expires_at - computed: true, optional: false, required: false
  public get expiresAt() {
    return this.getStringAttribute('expires_at');
  }

  // id - computed: true, optional: false, required: false
  public get id() {
    return this.getStringAttribute('id');
  }

  // name - computed: false, optional: false, required: true
  private _name?: string; 
  public get name() {
    return this.getStringAttribute('name');
  }
  public set name(value: string) {
    this._name = value;
  }
  // Temporarily expose input value. Use with caution.
  public get nameInput() {
    return this._name;
  }

  // token - computed: true, optional: false, required: false
  public get token() {
    return this.getStringAttribute('token');
  }

  // token_hint - computed: true, optional: false, required: false
  public get tokenHint() {
    return this.getStringAttribute('token_hint');
  }

  // =========
  // SYNTHESIS
  // =========

  protected synthesizeAttributes(): { [name: string]: any } {
    return {
      expiration_days: cdktn.numberToTerraform(this._expirationDays),
      name: cdktn.stringToTerraform(this._name),
    };
  }

  protected synthesizeHclAttributes(): { [name: string]: any } {
    const attrs = {
      expiration_days: {
        value: cdktn.numberToHclTerraform(this._expirationDays),
        isBlock: false,
        type: "simple",
        storageClassType: "number",
      },
      name: {
        value: cdktn.stringToHclTerraform(this._name),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
    };

    // remove undefined attributes
    return Object.fromEntries(Object.entries(attrs).filter(([_, value]) => value !== undefined && value.value !== undefined ))
  }
}
